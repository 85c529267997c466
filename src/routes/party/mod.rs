//! The assisting party's own pages.

use crate::db::models::{parties, stations};
use crate::domain::party::display_identifier;
use crate::domain::Role;
use crate::error::AppError;
use crate::web::page::Page;
use crate::web::AppState;
use actix_web::web;
use askama_web::WebTemplate;

/// The party's home page: who it is and where its registration stands.
#[derive(askama::Template, WebTemplate)]
#[template(path = "party/home.html")]
pub struct PartyHomePage {
    page: Page,
    party: parties::Party,
    identifier: String,
    station: stations::Station,
}

/// `GET /party`.
pub async fn home_get(page: Page, state: web::Data<AppState>) -> Result<PartyHomePage, AppError> {
    let user = page.require(&[Role::Party])?;
    let party_id = user.party_id.clone().ok_or(AppError::Forbidden)?;
    let (party, station) = state
        .db(move |conn| {
            let party = parties::find_by_id(conn, &party_id)?;
            let station = stations::find_by_id(conn, &party.station_id)?;
            Ok((party, station))
        })
        .await?;
    Ok(PartyHomePage {
        page,
        identifier: display_identifier(&party.identifier),
        party,
        station,
    })
}
