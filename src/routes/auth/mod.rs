//! Login, logout and party self-registration.

mod invitation;
mod login;
mod password;
mod register;

pub use invitation::{invitation_get, invitation_post};
pub use login::{login_get, login_post, logout_post};
pub use password::{forgot_get, forgot_post, reset_get, reset_post};
pub use register::{register_done_get, register_get, register_post};
