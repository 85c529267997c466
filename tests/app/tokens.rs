//! The token format, checked by an independent JOSE implementation, and attacks on it.

use crate::gates::backend;
use crate::helpers::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

/// An app with one issued employment proof; returns (app, attestation id).
async fn app_with_proof() -> (TestApp, String) {
    let app = spawn_app().await;
    let (_, hr) = approved_employer(&app, "hr@example.cn", "91110000600037341L").await;
    let id = app.issue_with(&hr, "employment", &employment_form()).await;
    (app, id)
}

fn decode_part(part: &str) -> Value {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
}

#[tokio::test]
async fn an_independent_jose_library_verifies_our_tokens_from_our_jwks() {
    backend!();
    use jwt_simple::prelude::*;
    let (app, id) = app_with_proof().await;
    let token = app.token_of(&id);

    let response = app.get("/.well-known/jwks.json").await;
    assert!(response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age"));
    let jwks: Value = response.json().await.unwrap();
    let jwk = &jwks["keys"][0];
    assert_eq!(
        (
            jwk["kty"].as_str(),
            jwk["crv"].as_str(),
            jwk["alg"].as_str(),
            jwk["use"].as_str()
        ),
        (Some("OKP"), Some("Ed25519"), Some("EdDSA"), Some("sig"))
    );
    let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
    // kid is the RFC 7638 thumbprint, computed here independently.
    let canonical = format!(
        r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#,
        jwk["x"].as_str().unwrap()
    );
    let thumbprint =
        URL_SAFE_NO_PAD.encode(<sha2::Sha256 as sha2::Digest>::digest(canonical.as_bytes()));
    assert_eq!(jwk["kid"].as_str(), Some(thumbprint.as_str()));

    let key = Ed25519PublicKey::from_bytes(&x).unwrap();
    let options = VerificationOptions {
        required_key_id: Some(thumbprint),
        required_signature_type: Some("attestation+jwt".into()),
        allowed_issuers: Some(HashSet::from_strings(&[&app.address])),
        allowed_audiences: Some(HashSet::from_strings(&["440304-001"])),
        ..Default::default()
    };
    let claims = key
        .verify_token::<serde_json::Map<String, Value>>(&token, Some(options))
        .expect("verifies");
    assert_eq!(claims.jwt_id.as_deref(), Some(id.as_str()));
    assert_eq!(claims.custom["kind"], "employment");
    assert_eq!(claims.custom["subject"]["id_number"], "440304********1545");

    // Header exactly as designed.
    let header = decode_part(token.split('.').next().unwrap());
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "attestation+jwt");
}

#[tokio::test]
async fn no_full_id_number_in_the_token_or_any_verify_answer() {
    backend!();
    let (app, id) = app_with_proof().await;
    let token = app.token_of(&id);
    let payload = decode_part(token.split('.').nth(1).unwrap());
    for field in [
        "iss", "jti", "iat", "nbf", "exp", "aud", "kind", "issuer", "subject", "facts",
    ] {
        assert!(payload.get(field).is_some(), "claim {field}");
    }
    assert!(!payload.to_string().contains("440304199002151545"));
    let code = attest::db::models::attestations::find_by_id(&mut app.conn(), &attest::domain::AttestationId::from(id.as_str()))
        .unwrap()
        .unwrap()
        .code;
    for body in [
        app.verify_token(&token).await,
        app.api("/api/v1/verify", None, json!({ "code": code }))
            .await
            .1,
    ] {
        assert_eq!(body["status"], "valid", "{body}");
        assert!(!body.to_string().contains("440304199002151545"));
        assert_eq!(body["claims"]["subject"]["id_number"], "440304********1545");
    }
    // Nor in the database.
    let row = attest::db::models::attestations::find_by_id(&mut app.conn(), &attest::domain::AttestationId::from(id.as_str()))
        .unwrap()
        .unwrap();
    assert!(!format!("{row:?}").contains("440304199002151545"));
}

/// Signs `claims` with the app's current private key and `header`.
fn forge(app: &TestApp, header: Header, claims: &Value) -> String {
    let dir = app.data_dir.path().join("keys");
    let pem = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let key = EncodingKey::from_ed_pem(&std::fs::read(pem).unwrap()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn our_header(token: &str) -> Header {
    jsonwebtoken::decode_header(token).unwrap()
}

#[tokio::test]
async fn attacks_get_the_right_status_and_never_a_5xx() {
    backend!();
    let (app, id) = app_with_proof().await;
    let token = app.token_of(&id);
    let header = our_header(&token);
    let claims = decode_part(token.split('.').nth(1).unwrap());
    let now = chrono::Utc::now().timestamp();
    let with_claim = |name: &str, value: Value| {
        let mut c = claims.clone();
        c[name] = value;
        c
    };
    let parts: Vec<&str> = token.split('.').collect();

    // alg: none
    let none_header = URL_SAFE_NO_PAD
        .encode(json!({"alg": "none", "typ": "attestation+jwt", "kid": header.kid}).to_string());
    let alg_none = format!("{none_header}.{}.", parts[1]);
    // HS256 keyed with the public key bytes (the classic key-confusion attack).
    let jwks: Value = app
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    let public = URL_SAFE_NO_PAD
        .decode(jwks["keys"][0]["x"].as_str().unwrap())
        .unwrap();
    let mut hs_header = Header::new(Algorithm::HS256);
    hs_header.typ = Some("attestation+jwt".into());
    hs_header.kid = header.kid.clone();
    let hs256 =
        jsonwebtoken::encode(&hs_header, &claims, &EncodingKey::from_secret(&public)).unwrap();
    // A key the portal never had.
    let stranger = {
        let signing = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        use ed25519_dalek::pkcs8::EncodePrivateKey;
        let der = signing.to_pkcs8_der().unwrap();
        let mut h = header.clone();
        h.kid = Some("unknown-key".into());
        jsonwebtoken::encode(&h, &claims, &EncodingKey::from_ed_der(der.as_bytes())).unwrap()
    };
    let kid = |kid: &str| {
        let mut h = header.clone();
        h.kid = Some(kid.into());
        forge(&app, h, &claims)
    };
    let typ = {
        let mut h = header.clone();
        h.typ = Some("JWT".into());
        forge(&app, h, &claims)
    };
    let changed = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(with_claim("aud", json!("440305-002")).to_string()),
        parts[2]
    );
    let huge = format!("{}.{}.{}", parts[0], "A".repeat(100 * 1024), parts[2]);

    let cases: Vec<(&str, String, &str)> = vec![
        ("alg none", alg_none, "invalid"),
        ("HS256 with the public key", hs256, "invalid"),
        ("unknown kid", stranger, "invalid"),
        ("kid with a path", kid("../../../etc/passwd"), "invalid"),
        ("kid with SQL", kid("' OR '1'='1' --"), "invalid"),
        ("wrong typ", typ, "invalid"),
        (
            "wrong aud",
            forge(
                &app,
                header.clone(),
                &with_claim("aud", json!("999999-999")),
            ),
            "invalid",
        ),
        (
            "wrong iss",
            forge(
                &app,
                header.clone(),
                &with_claim("iss", json!("https://evil.example")),
            ),
            "invalid",
        ),
        (
            "no aud",
            forge(&app, header.clone(), &{
                let mut c = claims.clone();
                c.as_object_mut().unwrap().remove("aud");
                c
            }),
            "invalid",
        ),
        (
            "expired beyond leeway",
            forge(&app, header.clone(), &with_claim("exp", json!(now - 120))),
            "expired",
        ),
        (
            "expired within leeway",
            forge(&app, header.clone(), &with_claim("exp", json!(now - 30))),
            "valid",
        ),
        (
            "nbf in the future",
            forge(&app, header.clone(), &with_claim("nbf", json!(now + 3600))),
            "not_yet_valid",
        ),
        ("changed claim", changed, "invalid"),
        ("truncated", token[..token.len() - 10].to_owned(), "invalid"),
        ("100 KB", huge, "invalid"),
        ("garbage", "\u{0}\u{1}garbage..".to_owned(), "invalid"),
        ("empty", String::new(), "invalid"),
        ("the real one", token.clone(), "valid"),
    ];
    for (name, forged, expected) in cases {
        let (status, body) = app
            .api("/api/v1/verify", None, json!({ "token": forged }))
            .await;
        assert_eq!(status.as_u16(), 200, "{name}: {body}");
        assert_eq!(body["status"], expected, "{name}: {body}");
        // The page for people answers the same, never with a 5xx.
        let r = app
            .post_with(&app.client, "/verify", &[("input", &forged)])
            .await;
        // (A NUL character is refused before verification: 400, a clear page.)
        assert!(!r.status().is_server_error(), "{name}: page {}", r.status());
    }
}

#[tokio::test]
async fn rotation_keeps_old_tokens_valid_and_signs_new_ones_with_the_new_key() {
    backend!();
    let (app, old_id) = app_with_proof().await;
    let old_token = app.token_of(&old_id);
    let old_kid = our_header(&old_token).kid.unwrap();

    let out = app.cli().args(["keys", "rotate"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = app.cli().args(["keys", "list"]).output().unwrap();
    let listing = String::from_utf8_lossy(&list.stdout);
    assert!(
        listing.contains(&old_kid)
            && listing.contains("verifying until")
            && listing.contains("signing"),
        "{listing}"
    );

    // A server started now (or within 30 s) signs with the new key.
    let public_url = app.address.clone();
    let restarted = spawn_app_as(app.data_dir, Some(&public_url)).await;
    let hr = browser();
    restarted.login_with(&hr, "hr@example.cn").await;
    let new_id = restarted
        .issue_with(&hr, "employment", &employment_form())
        .await;
    let new_kid = our_header(&restarted.token_of(&new_id)).kid.unwrap();
    assert_ne!(new_kid, old_kid);

    assert_eq!(restarted.verify_token(&old_token).await["status"], "valid");
    assert_eq!(
        restarted.verify_token(&restarted.token_of(&new_id)).await["status"],
        "valid"
    );
    let jwks: Value = restarted
        .get("/.well-known/jwks.json")
        .await
        .json()
        .await
        .unwrap();
    let kids: Vec<&str> = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kid"].as_str().unwrap())
        .collect();
    assert!(kids.contains(&old_kid.as_str()) && kids.contains(&new_kid.as_str()));
}

#[tokio::test]
async fn private_keys_are_private_files() {
    backend!();
    use std::os::unix::fs::PermissionsExt;
    let (app, _) = app_with_proof().await;
    let dir = app.data_dir.path().join("keys");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let mode = entry.unwrap().metadata().unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        n += 1;
    }
    assert_eq!(n, 1);
}
