//! Login, logout and party self-registration.

mod login;
mod register;

pub use login::{login_get, login_post, logout_post};
pub use register::{register_done_get, register_get, register_post};
