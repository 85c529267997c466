//! Micro-benchmarks (criterion): token sign and verify, the ID-number and credit-code
//! validators, and rendering the list and print templates.
//!
//! `cargo bench --bench micro`

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark stops at the first failure"
)]

use askama::Template;
use attest::db::models::attestations::Attestation;
use attest::db::models::parties::Party;
use attest::db::models::stations::Station;
use attest::documents::{pdf, printed_proof, qr::QrMatrix, qr_data_url};
use attest::domain::{AttestationKind, IdNumber, PartyKind, Role, Uscc};
use attest::i18n::Lang;
use attest::routes::attestations::PrintPage;
use attest::routes::attestations::{AttestationView, ListPage, ListQuery, PartyContext};
use attest::tokens::claims::{IssuerClaim, SubjectClaim};
use attest::tokens::verify::{check_signature, sign};
use attest::tokens::Claims;
use attest::web::page::Page;
use attest::web::session::SessionUser;
use criterion::{criterion_group, criterion_main, Criterion};
use ed25519_dalek::pkcs8::EncodePrivateKey;
use jsonwebtoken::{DecodingKey, EncodingKey};
use std::hint::black_box;

const PORTAL: &str = "https://attest.example.cn";

fn keys() -> (EncodingKey, DecodingKey) {
    let signing = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let der = signing.to_pkcs8_der().expect("PKCS#8");
    (
        EncodingKey::from_ed_der(der.as_bytes()),
        DecodingKey::from_ed_der(signing.verifying_key().as_bytes()),
    )
}

fn claims() -> Claims {
    let from = chrono::Utc::now().date_naive();
    let until = from + chrono::Duration::days(365);
    Claims {
        iss: PORTAL.into(),
        jti: uuid::Uuid::new_v4().to_string(),
        iat: chrono::Utc::now().timestamp(),
        nbf: attest::tokens::claims::start_of_day(from),
        exp: attest::tokens::claims::end_of_day(until),
        aud: "110108-001".into(),
        kind: AttestationKind::Employment,
        issuer: IssuerClaim {
            name: "北京星辰科技有限公司".into(),
            kind: PartyKind::Employer,
            identifier: "91110000600037341L".into(),
        },
        subject: SubjectClaim {
            name: "王五".into(),
            id_number: "440304********1545".into(),
        },
        valid_from: from,
        valid_until: until,
        responsibility_accepted: true,
        facts: serde_json::json!({
            "position": "软件工程师",
            "department": "研发部",
            "employed_since": "2023-03-01",
            "contract_type": "fixed_term"
        }),
        status: Some(attest::tokens::claims::StatusClaim {
            status_list: attest::tokens::claims::StatusListEntry {
                idx: 93_417,
                uri: format!("{PORTAL}/statuslists/0193a4c2e1f07b3d9a5e6f7081920a1b"),
            },
        }),
    }
}

fn tokens(c: &mut Criterion) {
    let (encoding, decoding) = keys();
    let claims = claims();
    c.bench_function("token sign", |b| {
        b.iter(|| sign(black_box(&claims), "kid-1", &encoding).unwrap())
    });
    let token = sign(&claims, "kid-1", &encoding).unwrap();
    let issuers = [PORTAL.to_owned()];
    c.bench_function("token verify", |b| {
        b.iter(|| check_signature(black_box(&token), |_| Some(&decoding), Some(&issuers)).unwrap())
    });
}

fn validators(c: &mut Criterion) {
    c.bench_function("ID number parse (valid)", |b| {
        b.iter(|| IdNumber::parse(black_box("11010519491231002X")).unwrap())
    });
    c.bench_function("ID number parse (bad check character)", |b| {
        b.iter(|| IdNumber::parse(black_box("110105194912310021")).unwrap_err())
    });
    c.bench_function("credit code parse (valid)", |b| {
        b.iter(|| Uscc::parse(black_box("91110000600037341L")).unwrap())
    });
}

fn page(lang: Lang) -> Page {
    Page {
        lang,
        user: Some(SessionUser {
            user_id: "u1".into(),
            email: "hr@example.cn".into(),
            role: Role::Party,
            station_id: None,
            party_id: Some("p1".into()),
            party_role: Some(attest::domain::PartyRole::Owner),
            session_hash: String::new(),
            second_factor: false,
            second_factor_missing: false,
        }),
        csrf_token: "x".repeat(43),
        path: "/party/attestations".into(),
        today: attest::domain::china_time::today(),
    }
}

fn context() -> PartyContext {
    let now = chrono::Utc::now().naive_utc();
    PartyContext {
        user: page(Lang::Zh).user.unwrap(),
        party: Party {
            id: "p1".into(),
            kind: attest::domain::PartyKind::Employer,
            legal_name: "北京星辰科技有限公司".into(),
            identifier: "91110000600037341L".into(),
            address: "北京市海淀区中关村大街1号".into(),
            contact_name: "李经理".into(),
            contact_phone: "13800000000".into(),
            station_id: "s1".into(),
            status: attest::domain::PartyStatus::Approved,
            status_reason: None,
            decided_by: None,
            decided_at: None,
            created_at: now,
            identifier_masked: None,
            identifier_sealed: None,
            identifier_type: Some(attest::domain::IdentifierType::Uscc),
            reminders_enabled: true,
        },
        station: Station {
            id: "s1".into(),
            code: "110108-001".into(),
            name: "海淀分局第1派出所".into(),
            email: "station1@example.cn".into(),
            created_at: now,
            notify_mode: "immediate".into(),
            digest_hour: 8,
            last_digest_on: None,
            disabled_at: None,
        },
    }
}

fn row(token: &str, n: usize) -> Attestation {
    let claims = claims();
    Attestation {
        id: attest::domain::AttestationId::generate(),
        party_id: "p1".into(),
        station_id: "s1".into(),
        kind: attest::domain::AttestationKind::Employment,
        code: format!("7KQ2M9XD{n:04}"),
        subject_name: "王五".into(),
        subject_id_masked: claims.subject.id_number.clone(),
        subject_id_hmac: "0".repeat(64),
        facts: claims.facts.to_string(),
        valid_from: claims.valid_from,
        valid_until: claims.valid_until,
        applicant_email: None,
        responsibility_accepted: true,
        issued_at: chrono::Utc::now().naive_utc(),
        issued_by: "u1".into(),
        kid: "kid-1".into(),
        token: token.into(),
        status: attest::domain::AttestationStatus::Active,
        revoked_at: None,
        revoked_by: None,
        revoke_reason: None,
        suspect_at: None,
        suspect_by: None,
        suspect_reason: None,
        revoke_reason_code: None,
        ended_on: None,
        replaces_id: None,
        status_list_id: None,
        status_idx: None,
    }
}

fn templates(c: &mut Criterion) {
    let (encoding, _) = keys();
    let token = sign(&claims(), "kid-1", &encoding).unwrap();
    let views = || {
        (0..25)
            .map(|n| {
                let today = attest::domain::china_time::today();
                AttestationView::new(row(&token, n), PartyKind::Employer, PORTAL, today)
            })
            .collect::<Vec<_>>()
    };
    let list = ListPage {
        page: page(Lang::Zh),
        ctx: context(),
        query: ListQuery::default(),
        items: views(),
        kinds: AttestationKind::allowed_for(PartyKind::Employer),
        next: Some("/party/attestations?before=x".into()),
        date_error: false,
        end: Default::default(),
        ticked: Default::default(),
        renew_until: String::new(),
        errors: Default::default(),
        people: Default::default(),
    };
    c.bench_function("render list page (25 rows)", |b| {
        b.iter(|| black_box(&list).render().unwrap())
    });
    let a = views().remove(0);
    let proof = printed_proof(Lang::Zh, &context().party, &a);
    let print = PrintPage {
        page: page(Lang::Zh),
        back: attest::web::paths::at(attest::web::paths::ATTESTATION, &a.row.id),
        pdf: attest::web::paths::at(attest::web::paths::ATTESTATION_PDF, &a.row.id),
        qr_src: qr_data_url(&a.verify_url).unwrap(),
        proof: proof.clone(),
    };
    c.bench_function("render print page", |b| {
        b.iter(|| black_box(&print).render().unwrap())
    });
    let url = a.verify_url.clone();
    c.bench_function("QR code of the verify URL (PNG data URL)", |b| {
        b.iter(|| {
            QrMatrix::new(black_box(&url))
                .unwrap()
                .png_data_url()
                .unwrap()
        })
    });
    c.bench_function("PDF of one proof", |b| {
        b.iter(|| pdf::render(std::slice::from_ref(black_box(&proof)), "t", "zh-CN").unwrap())
    });
}

criterion_group!(benches, tokens, validators, templates);
criterion_main!(benches);
