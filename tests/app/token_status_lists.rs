//! Token status lists (draft-ietf-oauth-status-list): each new proof names its place; the
//! signed list, read here by an independent JOSE library and by the draft's rule for the
//! bits, says valid, ended or suspect; caching, several instances, and `attest verify`
//! from a cache made by `attest statuslist fetch`.

use crate::gates::backend;
use crate::helpers::*;
use attest::domain::Role;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Read;

/// The place a token names: (list URI, index).
pub(crate) fn place(token: &str) -> (String, u32) {
    let claims = token_claims(token);
    let entry = &claims["status"]["status_list"];
    (
        entry["uri"].as_str().expect("uri").to_owned(),
        entry["idx"].as_u64().expect("idx") as u32,
    )
}

/// A fetched list, checked by jwt-simple against the portal's JWKS: its claims and the
/// decompressed bytes.
async fn fetch_list(app: &TestApp, uri: &str) -> (Value, Vec<u8>) {
    use jwt_simple::prelude::*;
    let token = browser()
        .get(uri)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let jwks: Value = app.get("/.well-known/jwks.json").await.json().await.unwrap();
    let jwk = &jwks["keys"][0];
    let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
    let key = Ed25519PublicKey::from_bytes(&x).unwrap();
    let options = VerificationOptions {
        required_signature_type: Some("statuslist+jwt".into()),
        // `sub` is the list's own URI.
        required_subject: Some(uri.to_owned()),
        ..Default::default()
    };
    let claims = key
        .verify_token::<serde_json::Map<String, Value>>(&token, Some(options))
        .expect("the list verifies with the published key");
    let list = claims.custom["status_list"].clone();
    assert_eq!(list["bits"], 2);
    let compressed = URL_SAFE_NO_PAD
        .decode(list["lst"].as_str().unwrap())
        .unwrap();
    let mut bytes = Vec::new();
    flate2::read::ZlibDecoder::new(compressed.as_slice())
        .read_to_end(&mut bytes)
        .unwrap();
    let mut all = serde_json::to_value(&claims.custom).unwrap();
    all["iat"] = claims.issued_at.unwrap().as_secs().into();
    all["exp"] = claims.expires_at.unwrap().as_secs().into();
    (all, bytes)
}

/// The status at `idx` of 2-bit `bytes`, as the draft says: four to a byte, the first in
/// the least significant bits.
fn status_at(bytes: &[u8], idx: u32) -> u8 {
    (bytes[(idx / 4) as usize] >> ((idx % 4) * 2)) & 0b11
}

/// An app with three proofs of one employer: to stay valid, to be ended, to be flagged.
pub(crate) struct Three {
    pub app: TestApp,
    pub hr: reqwest::Client,
    pub valid: String,
    pub ended: String,
    pub suspect: String,
}

pub(crate) async fn three_proofs() -> Three {
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let mut ids = Vec::new();
    for n in 1..=3 {
        let form = with(
            employment_form(),
            "subject_id_number",
            &attest::cli::sample_id_number(n),
        );
        ids.push(app.issue_with(&hr, "employment", &form).await);
    }
    let [valid, ended, suspect] = <[String; 3]>::try_from(ids).unwrap();
    Three {
        app,
        hr,
        valid,
        ended,
        suspect,
    }
}

impl Three {
    /// Ends the second through its page, and a station officer flags the third.
    pub(crate) async fn end_and_flag(&self) {
        self.app.end_proof(&self.hr, &self.ended, "left_job").await;
        self.app
            .add_staff(Role::Station, "officer@example.cn", Some("440304-001"));
        let officer = browser();
        self.app.login_with(&officer, "officer@example.cn").await;
        let r = self
            .app
            .post_with(
                &officer,
                &format!("/station/attestations/{}/suspect", self.suspect),
                &[("reason", "公章与备案不符")],
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
}

#[tokio::test]
async fn the_list_says_valid_ended_and_suspect_and_an_ending_changes_it_on_the_next_fetch() {
    backend!();
    let t = three_proofs().await;
    let app = &t.app;
    let places: Vec<(String, u32)> = [&t.valid, &t.ended, &t.suspect]
        .iter()
        .map(|id| place(&app.token_of(id)))
        .collect();
    let uri = places[0].0.clone();
    assert!(
        uri.starts_with(&format!("{}/statuslists/", app.address)),
        "{uri}"
    );
    assert!(places.iter().all(|(u, _)| *u == uri), "one list");
    let indices: Vec<u32> = places.iter().map(|(_, i)| *i).collect();
    assert!(indices.iter().all(|i| *i < 131_072));
    assert_ne!(indices, [0, 1, 2], "not handed out in issue order");

    let first = browser().get(&uri).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(
        first.headers()["content-type"],
        "application/statuslist+jwt"
    );
    assert_eq!(first.headers()["cache-control"], "public, max-age=300");
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(first.text().await.unwrap().split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["typ"], "statuslist+jwt");
    assert_eq!(header["alg"], "EdDSA");
    let (claims, bytes) = fetch_list(app, &uri).await;
    assert_eq!(claims["ttl"], 300);
    assert_eq!(bytes.len(), 131_072 / 4);
    assert!(indices.iter().all(|i| status_at(&bytes, *i) == 0));

    // Unchanged: 304 for the same bytes.
    let again = browser()
        .get(&uri)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);

    t.end_and_flag().await;
    let changed = browser()
        .get(&uri)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK, "the list changed");
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), etag);
    let (_, bytes) = fetch_list(app, &uri).await;
    assert_eq!(status_at(&bytes, indices[0]), 0, "valid");
    assert_eq!(status_at(&bytes, indices[1]), 1, "ended: invalid");
    assert_eq!(status_at(&bytes, indices[2]), 2, "suspect: suspended");
    let others = bytes.iter().map(|b| b.count_ones()).sum::<u32>();
    assert_eq!(others, 2, "nothing else is set");

    // The list of lists names it.
    let all: Value = app.get("/statuslists").await.json().await.unwrap();
    assert_eq!(all["status_lists"], serde_json::json!([uri]));
    assert_eq!(app.get("/statuslists/nosuchlist").await.status(), 404);
}

#[tokio::test]
async fn a_list_is_rebuilt_after_its_ttl_and_two_instances_serve_the_same_bytes() {
    backend!();
    let t = three_proofs().await;
    let a = &t.app;
    let b = spawn_app_as(a.data_dir.clone(), Some(&a.address)).await;
    let (uri, _) = place(&a.token_of(&t.valid));
    let path = uri.trim_start_matches(&a.address).to_owned();
    let from_a = a.get(&path).await.text().await.unwrap();
    let from_b = b.get(&path).await.text().await.unwrap();
    assert_eq!(from_a, from_b, "the same bytes from both instances");

    t.end_and_flag().await;
    let from_b = b.get(&path).await.text().await.unwrap();
    let from_a = a.get(&path).await.text().await.unwrap();
    assert_eq!(from_a, from_b, "after a change too");

    // Within the ttl the same list; after it a new one, issued later.
    let (before, _) = fetch_list(a, &uri).await;
    a.clock.advance(chrono::Duration::seconds(299));
    assert_eq!(a.get(&path).await.text().await.unwrap(), from_a);
    a.clock.advance(chrono::Duration::seconds(2));
    let (after, _) = fetch_list(a, &uri).await;
    let later = after["iat"].as_u64().unwrap() - before["iat"].as_u64().unwrap();
    assert!((301..=310).contains(&later), "iat moved {later} s");
    assert_eq!(
        after["exp"].as_u64().unwrap() - after["iat"].as_u64().unwrap(),
        24 * 3600
    );
}

#[tokio::test]
async fn ten_thousand_places_from_two_instances_never_collide_and_full_lists_are_followed() {
    backend!();
    use attest::domain::status_list::LIST_SIZE;
    use attest::status_lists::Allocator;
    let app = spawn_app().await;
    let secrets = attest::secrets::Secrets::load_or_create(app.data_dir.path()).unwrap();
    let (one, two) = (Allocator::default(), Allocator::default());
    let now = app.clock.now();
    let mut conn = app.conn();
    let mut seen = std::collections::HashSet::new();
    let mut taken = 0;
    let mut first_list = Vec::new();
    for round in 0.. {
        let count = [1, 7, 130, 3, 64][round % 5];
        let from = if round % 2 == 0 { &one } else { &two };
        for slot in from.slots(&mut conn, &secrets, count, now).unwrap() {
            assert!(slot.idx < LIST_SIZE);
            assert!(
                seen.insert((slot.list_id.clone(), slot.idx)),
                "{slot:?} twice"
            );
            first_list.push(slot.idx);
        }
        taken += count;
        if taken >= 10_000 {
            break;
        }
    }
    assert_eq!(seen.len(), taken);
    let mut sorted = first_list.clone();
    sorted.sort_unstable();
    assert_ne!(sorted, first_list, "not in order");

    // A list that fills is followed by a new one.
    use attest::db::schema::status_lists;
    use diesel::prelude::*;
    let full = diesel::update(status_lists::table)
        .set(status_lists::next_n.eq(LIST_SIZE as i32 - 3))
        .execute(&mut *conn)
        .unwrap();
    assert_eq!(full, 1);
    let slots = Allocator::default()
        .slots(&mut conn, &secrets, 10, now)
        .unwrap();
    let lists: std::collections::BTreeSet<&str> =
        slots.iter().map(|s| s.list_id.as_str()).collect();
    assert_eq!(lists.len(), 2, "three in the old list, seven in a new one");
}

/// `attest ARGS` on `app`'s data: the exit code, and what it printed (stdout, then stderr).
fn attest<S: AsRef<std::ffi::OsStr>>(app: &TestApp, args: &[S]) -> (Option<i32>, String) {
    let out = app.cli().args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attest_verify_tells_valid_ended_and_suspect_from_a_cache_and_says_when_it_is_stale() {
    backend!();
    let t = three_proofs().await;
    let app = &t.app;
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap().to_owned();
    let cli = |args: Vec<String>| attest(app, &args);
    let verify = |id: &str| {
        cli(vec![
            "verify".into(),
            app.token_of(id),
            "--jwks".into(),
            format!("{dir}/jwks.json"),
            "--status-cache".into(),
            dir.clone(),
        ])
    };
    t.end_and_flag().await;
    let (code, out) = cli(vec![
        "statuslist".into(),
        "fetch".into(),
        "--to".into(),
        dir.clone(),
        "--issuer".into(),
        app.address.clone(),
    ]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("1 status list"), "{out}");

    // Offline from here: the portal is another address now.
    let (code, out) = verify(&t.valid);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("valid:") && out.contains("status list"), "{out}");
    let (code, out) = verify(&t.ended);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("ended"), "{out}");
    let (code, out) = verify(&t.suspect);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("suspect"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attest_verify_warns_past_the_ttl_refuses_past_exp_and_reads_old_tokens_online_only() {
    backend!();
    let t = three_proofs().await;
    let app = &t.app;
    let cache = tempfile::tempdir().unwrap();
    let dir = cache.path().to_str().unwrap().to_owned();
    let run = |args: &[&str]| attest(app, args);
    let jwks = format!("{dir}/jwks.json");
    let token = app.token_of(&t.valid);
    let verify = || run(&["verify", &token, "--jwks", &jwks, "--status-cache", &dir]);
    let fetch = || run(&["statuslist", "fetch", "--to", &dir, "--issuer", &app.address]);

    // A list signed two hours ago: the answer, with its age and that it is past its ttl.
    app.clock.advance(chrono::Duration::hours(-2));
    assert_eq!(fetch().0, Some(0));
    let (code, out) = verify();
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("valid:"), "{out}");
    assert!(out.contains("2 h old, older than its ttl of 300 s"), "{out}");

    // A list signed a day and more ago is past its exp: no answer.
    app.clock.advance(chrono::Duration::hours(-23));
    let (uri, _) = place(&token);
    let list_id = uri.rsplit('/').next().unwrap();
    attest::db::models::status_lists::changed(&mut app.conn(), list_id).unwrap();
    assert_eq!(fetch().0, Some(0));
    let (code, out) = verify();
    assert_eq!(code, Some(3), "{out}");
    assert!(out.contains("status unknown (stale list)"), "{out}");

    // A token signed before status lists names none: online check only, said so.
    let store = fresh_store();
    let seeded = seed_with_cli(&store, "50");
    assert!(seeded.status.success());
    let old = spawn_app_in(store).await;
    use attest::db::schema::attestations;
    use diesel::prelude::*;
    let old_token: String = attestations::table
        .filter(attestations::status.eq("active"))
        .filter(attestations::valid_from.le(old.clock.today()))
        .filter(attestations::valid_until.ge(old.clock.today()))
        .select(attestations::token)
        .first(&mut *old.conn())
        .unwrap();
    assert!(token_claims(&old_token).get("status").is_none());
    let jwks_file = cache.path().join("old.json");
    std::fs::write(
        &jwks_file,
        old.get("/.well-known/jwks.json").await.text().await.unwrap(),
    )
    .unwrap();
    let (code, out) = run(&["verify", &old_token, "--jwks", jwks_file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("names no status list"), "{out}");
    assert!(out.contains("only be checked online"), "{out}");
}
