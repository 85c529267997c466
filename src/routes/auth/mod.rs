//! Login, logout and party self-registration.

mod invitation;
mod login;
mod password;
mod register;
mod second_factor;

pub use invitation::{invitation_get, invitation_post};
pub use login::{login_get, login_post, logout_post};
pub use password::{forgot_get, forgot_post, reset_get, reset_post};
pub use register::{register_done_get, register_get, register_post};
pub use second_factor::{second_factor_get, second_factor_post};
