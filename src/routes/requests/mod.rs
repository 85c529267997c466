//! The party's side of applicants' requests: its request links (and posters), its queue of
//! requests (accept into a proof, or reject with a reason), and the holder links of a proof.

mod links;
mod queue;

pub use links::{delete_post, links_get, links_post, pause_post, poster_get, resume_post};
pub use queue::{accept_post, holder_links_revoke_post, queue_get, reject_post, request_get};
