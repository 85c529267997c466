//! The logged-in party user with their party and its station: an extractor, so a party page
//! names it as an argument and any other role gets 403.

use super::page::Page;
use super::session::SessionUser;
use crate::accounts::{self, Party, Station};
use crate::domain::Role;
use crate::error::AppError;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use std::future::Future;
use std::pin::Pin;

/// The logged-in party user, their party and its station.
pub struct PartyContext {
    pub user: SessionUser,
    pub party: Party,
    pub station: Station,
}

impl PartyContext {
    /// The party's kind.
    pub fn party_kind(&self) -> crate::domain::PartyKind {
        self.party.kind
    }

    /// True for an owner of the party (a clerk handles proofs only).
    pub fn is_owner(&self) -> bool {
        self.user.party_role == Some(crate::domain::PartyRole::Owner)
    }

    /// 403 unless the user is an owner of the party.
    pub fn require_owner(&self) -> Result<(), AppError> {
        if self.is_owner() {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequest for PartyContext {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            // The page extractor has usually resumed the session already.
            let known = req.extensions().get::<SessionUser>().cloned();
            let user = match known {
                Some(user) => user,
                None => Page::extract(&req).await?.require(&[Role::Party])?.clone(),
            };
            if user.second_factor_missing {
                return Err(AppError::SecondFactorMissing);
            }
            if user.role != Role::Party {
                return Err(AppError::Forbidden);
            }
            let party_id = user.party_id.clone().ok_or(AppError::Forbidden)?;
            let state = super::state_of(&req)?;
            let (party, station) = state
                .db(move |conn| accounts::party_and_station(conn, &party_id))
                .await?;
            Ok(Self {
                user,
                party,
                station,
            })
        })
    }
}
