//! The applicant's public pages, no login: the request form behind a request link
//! (`/request/{token}`) and the holder's page of a proof (`/my/{token}`). The token in the
//! path is the key: it is never logged (routes are logged by pattern), never cached and
//! never sent on as a referrer (`web::errors::per_request_headers`).

mod my;
mod request;

pub use my::{my_get, my_pdf_get, my_print_get, notifications_post};
pub use request::{request_get, request_post};
