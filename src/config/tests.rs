//! The settings' defaults and their validation.

use super::*;

#[test]
fn defaults_need_nothing() {
    let config = Config::from_args(&ConfigArgs::default()).unwrap();
    assert_eq!(config.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(
        config.database,
        Database::Sqlite(PathBuf::from("data/attest.db"))
    );
    assert_eq!(config.public_url.as_str(), "http://127.0.0.1:8080/");
    assert_eq!(config.log_format, LogFormat::Text);
    assert_eq!(config.issuers(), vec!["http://127.0.0.1:8080".to_owned()]);
    assert_eq!(
        config.second_factor,
        crate::domain::SecondFactorPolicy::Staff
    );
}

#[test]
fn former_addresses_are_accepted_issuers_and_must_be_addresses() {
    let args = |former: &str| ConfigArgs {
        public_url: Some("https://new.example/".into()),
        former_public_urls: Some(former.into()),
        ..Default::default()
    };
    let config = Config::from_args(&args("https://old.example/, http://older.example")).unwrap();
    assert_eq!(
        config.issuers(),
        [
            "https://new.example",
            "https://old.example",
            "http://older.example"
        ]
    );
    let error = Config::from_args(&args("https://old.example/,ftp://x")).unwrap_err();
    assert!(
        error.to_string().contains("ATTEST_FORMER_PUBLIC_URLS"),
        "{error}"
    );
    let error = Config::from_args(&ConfigArgs {
        require_2fa: Some("sometimes".into()),
        ..Default::default()
    })
    .unwrap_err();
    assert!(error.to_string().contains("ATTEST_REQUIRE_2FA"), "{error}");
}
