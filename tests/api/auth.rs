//! Accounts and authentication: login, tokens, password change and reset, disabling, throttling.

use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;
use niuyang::config::AuthSettings;
use serde_json::json;

use crate::common::*;

#[actix_web::test]
async fn login_returns_a_bearer_token_that_works() {
    let app = TestApp::with_cast(&["mr.city"]).await;
    let a = app.account("mr.city").clone();
    let r = app.login(&a.username, &a.password).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["token_type"], "Bearer");
    assert_eq!(r.body["expires_in"], 8 * 3600);
    let token = r.body["access_token"].as_str().expect("token").to_string();
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["username"], "mr.city");
    assert_eq!(me.body["role"], "market_regulator");

    let wrong = app.login(&a.username, "not-the-password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "invalid_credentials");
    let nobody = app.login("nobody", "whatever-password").await;
    assert_eq!(nobody.code(), "invalid_credentials");
    // A name with a NUL is an unknown name on both backends (PostgreSQL refuses NUL in text: it was a 500).
    let nul = app.login("mr.city\u{0}", "whatever-password").await;
    assert_eq!(nul.status, StatusCode::UNAUTHORIZED, "{nul:?}");
    assert_eq!(nul.code(), "invalid_credentials");

    let garbage = app.get("/api/v1/me", Some("not.a.token")).await;
    assert_eq!(garbage.status, StatusCode::UNAUTHORIZED);
    assert_eq!(garbage.code(), "invalid_token");
    // A token signed with another key is refused.
    let other = niuyang::auth::token::TokenKeys::new(b"another-key-another-key-another-key", 60)
        .issue(&a.user_id, 0)
        .expect("token");
    assert_eq!(
        app.get("/api/v1/me", Some(&other)).await.code(),
        "invalid_token"
    );
    let basic = app
        .send(
            TestRequest::get()
                .uri("/api/v1/me")
                .insert_header(("authorization", "Basic YWRtaW46YWRtaW4=")),
        )
        .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn changing_the_password_ends_older_tokens() {
    let app = TestApp::with_cast(&["vendor.crv"]).await;
    let a = app.account("vendor.crv").clone();
    let weak = app
        .post(
            "/api/v1/auth/password",
            Some(&a.token),
            json!({"current_password": a.password, "new_password": "short"}),
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(weak.code(), "weak_password");
    let wrong = app
        .post(
            "/api/v1/auth/password",
            Some(&a.token),
            json!({"current_password": "guess-guess-1", "new_password": "A-much-better-one-9"}),
        )
        .await;
    assert_eq!(wrong.code(), "wrong_password");

    let ok = app
        .post(
            "/api/v1/auth/password",
            Some(&a.token),
            json!({"current_password": a.password, "new_password": "A-much-better-one-9"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{ok:?}");
    let new_token = ok.body["access_token"].as_str().expect("token").to_string();
    assert_eq!(
        app.get("/api/v1/me", Some(&a.token)).await.code(),
        "invalid_token"
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&new_token)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.login("vendor.crv", &a.password).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.login("vendor.crv", "A-much-better-one-9").await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_disabled_users_token_stops_at_its_next_request() {
    let app = TestApp::with_cast(&["demo.admin", "vendor.xiguan", "sr.city"]).await;
    let admin = app.token("demo.admin");
    let v = app.account("vendor.xiguan").clone();
    assert_eq!(
        app.get("/api/v1/me", Some(&v.token)).await.status,
        StatusCode::OK
    );

    let r = app
        .post(
            &format!("/api/v1/users/{}/disable", v.user_id),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["disabled"], true);
    let after = app.get("/api/v1/me", Some(&v.token)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.code(), "account_disabled");
    let login = app.login(&v.username, &v.password).await;
    assert_eq!(login.code(), "account_disabled");

    // Only the admin may disable; nobody may disable themself.
    let sr = app.account("sr.city").clone();
    let refused = app
        .post(
            &format!("/api/v1/users/{}/disable", sr.user_id),
            Some(&sr.token),
            json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let me = app.account("demo.admin").user_id.clone();
    let own = app
        .post(
            &format!("/api/v1/users/{me}/disable"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(own.code(), "cannot_disable_self");

    let back = app
        .post(
            &format!("/api/v1/users/{}/enable", v.user_id),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(back.body["disabled"], false);
    assert_eq!(
        app.get("/api/v1/me", Some(&v.token)).await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn an_admin_reset_gives_a_one_time_password_that_must_be_changed() {
    let app = TestApp::with_cast(&["demo.admin", "vendor.lanzhou"]).await;
    let admin = app.token("demo.admin");
    let v = app.account("vendor.lanzhou").clone();
    let r = app
        .post(
            &format!("/api/v1/users/{}/password-reset", v.user_id),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    let otp = r.body["one_time_password"]
        .as_str()
        .expect("otp")
        .to_string();
    assert_eq!(r.body["user"]["must_change_password"], true);
    assert!(r.body["user"].get("password_hash").is_none());
    // The old token is gone; the old password too.
    assert_eq!(
        app.get("/api/v1/me", Some(&v.token)).await.code(),
        "invalid_token"
    );
    assert_eq!(
        app.login(&v.username, &v.password).await.status,
        StatusCode::UNAUTHORIZED
    );

    let login = app.login(&v.username, &otp).await;
    assert_eq!(login.body["must_change_password"], true);
    let pending = login.body["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let blocked = app
        .get(
            "/api/v1/organisations/00000000-0000-0000-0000-000000000000",
            Some(&pending),
        )
        .await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    assert_eq!(blocked.code(), "password_change_required");
    assert_eq!(
        app.get("/api/v1/me", Some(&pending)).await.status,
        StatusCode::OK
    );
    let changed = app
        .post(
            "/api/v1/auth/password",
            Some(&pending),
            json!({"current_password": otp, "new_password": "Mine-at-last-2026"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK);
    let fresh = changed.body["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let own_org = app
        .get(&format!("/api/v1/organisations/{}", v.org_id), Some(&fresh))
        .await;
    assert_eq!(own_org.status, StatusCode::OK, "{own_org:?}");
}

#[actix_web::test]
async fn admin_creates_accounts_whose_role_fits_the_organisation() {
    let app = TestApp::with_cast(&["demo.admin", "vendor.crv"]).await;
    let admin = app.token("demo.admin");
    let shop = app.account("vendor.crv").org_id.clone();
    let r = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "crv.cashier", "role": "vendor", "org_id": shop}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{r:?}");
    assert_eq!(r.body["user"]["must_change_password"], true);
    assert_eq!(r.body["one_time_password"].as_str().map(str::len), Some(20));

    let mismatch = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "crv.boss", "role": "slaughter_regulator", "org_id": shop}),
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(mismatch.code(), "role_org_mismatch");
    let taken = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "CRV.Cashier", "role": "vendor", "org_id": shop}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(taken.code(), "username_taken");
    let bad_name = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "a b", "role": "vendor", "org_id": shop}),
        )
        .await;
    assert_eq!(bad_name.code(), "invalid_username");
    let unknown = app
        .post(
            "/api/v1/users",
            Some(&admin),
            json!({"username": "ghost", "role": "vendor", "org_id": uuid::Uuid::new_v4()}),
        )
        .await;
    assert_eq!(unknown.code(), "unknown_organisation");

    let list = app
        .get(&format!("/api/v1/users?org_id={shop}"), Some(&admin))
        .await;
    assert_eq!(list.body["total"], 2);
    assert!(
        list.body.to_string().find("argon2").is_none(),
        "hashes never leave"
    );
}

#[actix_web::test]
async fn failed_logins_slow_the_same_address_down_on_that_account() {
    let app = TestApp::with_cast(&["inspector.city", "mr.city"]).await;
    let a = app.account("inspector.city").clone();
    for _ in 0..5 {
        let r = app.login(&a.username, "wrong-password-1").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // The sixth attempt from the same address must wait, even with the right password.
    let r = app.login(&a.username, &a.password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    assert_eq!(r.code(), "too_many_login_attempts");
    let retry = |r: &Resp| -> u64 {
        r.headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("Retry-After")
    };
    assert_eq!(retry(&r), 1, "the first back-off is a second");
    // Another account is not affected.
    let other = app.account("mr.city").clone();
    assert_eq!(
        app.login(&other.username, &other.password).await.status,
        StatusCode::OK
    );
    // Each further failure doubles the wait: after a second, one more wrong password, then 2 s.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let r = app.login(&a.username, "wrong-password-2").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    let r = app.login(&a.username, &a.password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    assert_eq!(retry(&r), 2);
}

fn login_from(peer: &str, forwarded: Option<&str>, username: &str, password: &str) -> TestRequest {
    let mut req = request(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"username": username, "password": password})),
    )
    .peer_addr(peer.parse().expect("addr"));
    if let Some(f) = forwarded {
        req = req.insert_header(("x-forwarded-for", f));
    }
    req
}

#[actix_web::test]
async fn failed_logins_are_throttled_per_client_behind_a_trusted_proxy_only() {
    let mut app = TestApp::with_settings(AuthSettings {
        login_max_failures_per_client: 3,
        trusted_proxies: vec!["10.0.0.1".parse().expect("ip")],
        ..AuthSettings::default()
    });
    app.cast(&["mr.haizhu"]).await;
    let a = app.account("mr.haizhu").clone();
    // Three failures from one client behind the proxy, each on a different account.
    for user in ["u1x", "u2x", "u3x"] {
        let r = app
            .send(login_from(
                "10.0.0.1:4000",
                Some("203.0.113.5"),
                user,
                "wrong-password",
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let blocked = app
        .send(login_from(
            "10.0.0.1:4000",
            Some("203.0.113.5"),
            &a.username,
            &a.password,
        ))
        .await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS, "{blocked:?}");
    assert!(blocked.headers.contains_key("retry-after"));
    // Another client behind the same proxy is not blocked.
    let other = app
        .send(login_from(
            "10.0.0.1:4000",
            Some("203.0.113.6"),
            &a.username,
            &a.password,
        ))
        .await;
    assert_eq!(other.status, StatusCode::OK, "{other:?}");

    // From an untrusted peer the header is ignored: the peer is the client.
    for user in ["v1x", "v2x", "v3x"] {
        app.send(login_from(
            "198.51.100.9:4000",
            Some("203.0.113.77"),
            user,
            "wrong-password",
        ))
        .await;
    }
    let spoofed = app
        .send(login_from(
            "198.51.100.9:4000",
            Some("203.0.113.78"),
            &a.username,
            &a.password,
        ))
        .await;
    assert_eq!(spoofed.status, StatusCode::TOO_MANY_REQUESTS, "{spoofed:?}");
}

/// Five wrong passwords from one address slow that address down on that account, and nobody else: the
/// administrator and a regulator, logging in from their own addresses, are not locked out (issue 11,
/// finding 6).
#[actix_web::test]
async fn an_attacker_elsewhere_cannot_lock_the_real_user_out() {
    let app = TestApp::with_cast(&["demo.admin", "sr.city"]).await;
    for name in ["demo.admin", "sr.city"] {
        let a = app.account(name).clone();
        for _ in 0..5 {
            let r = app
                .send(login_from(
                    "203.0.113.5:4000",
                    None,
                    &a.username,
                    "wrong-password-1",
                ))
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
        }
        // The attacker's address is slowed down on this account...
        let slowed = app
            .send(login_from(
                "203.0.113.5:4000",
                None,
                &a.username,
                "wrong-password-1",
            ))
            .await;
        assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS, "{slowed:?}");
        assert!(slowed.headers.contains_key("retry-after"));
        // ...and the real user, from their own address, logs in at once.
        let real = app
            .send(login_from(
                "198.51.100.7:4000",
                None,
                &a.username,
                &a.password,
            ))
            .await;
        assert_eq!(real.status, StatusCode::OK, "{name}: {real:?}");
    }
}

/// A token signed with the right key, claiming whatever lifetime it likes.
fn forged_token(user_id: &str, iat: i64, exp: i64) -> String {
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
    use niuyang::auth::token::{Claims, AUDIENCE, ISSUER};
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: user_id.to_string(),
        iss: ISSUER.to_string(),
        aud: AUDIENCE.to_string(),
        iat,
        nbf: iat.min(now),
        exp,
        epoch: 0,
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET),
    )
    .expect("sign")
}

/// The server, not the token, decides how long a token lives (issue 11, finding 6).
#[actix_web::test]
async fn the_server_caps_token_lifetime_whatever_the_token_claims() {
    let app = TestApp::with_cast(&["mr.city"]).await;
    let a = app.account("mr.city").clone();
    let now = chrono::Utc::now().timestamp();
    // 2100-01-01T00:00:00Z.
    let until_2100 = forged_token(&a.user_id, now, 4_102_444_800);
    let r = app.get("/api/v1/me", Some(&until_2100)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(r.code(), "token_lifetime_exceeded");
    // One second longer than the configured lifetime (8 h) is too long as well.
    let a_bit_long = forged_token(&a.user_id, now, now + 8 * 3600 + 1);
    assert_eq!(
        app.get("/api/v1/me", Some(&a_bit_long)).await.code(),
        "token_lifetime_exceeded"
    );
    // Issued an hour from now.
    let future = forged_token(&a.user_id, now + 3600, now + 3600 + 60);
    let r = app.get("/api/v1/me", Some(&future)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{r:?}");
    assert_eq!(r.code(), "token_issued_in_future");
    // Exactly the configured lifetime, as the service issues them, is fine.
    let exact = forged_token(&a.user_id, now, now + 8 * 3600);
    assert_eq!(
        app.get("/api/v1/me", Some(&exact)).await.status,
        StatusCode::OK
    );
}

/// Administrators see which pairs and addresses are slowed down and can clear them (audited); other roles
/// get 403, anonymous callers 401.
#[actix_web::test]
async fn administrators_see_and_clear_login_throttles() {
    let app = TestApp::with_cast(&["demo.admin", "sr.city", "vendor.crv"]).await;
    let admin = app.token("demo.admin");
    let sr = app.account("sr.city").clone();
    let attack = |password: &'static str| {
        app.send(login_from("203.0.113.5:4000", None, "SR.City", password))
    };
    for _ in 0..5 {
        assert_eq!(
            attack("wrong-password-1").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attack("wrong-password-1").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );

    assert_eq!(
        app.get("/api/v1/auth/throttles", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    for who in ["sr.city", "vendor.crv"] {
        let r = app
            .get("/api/v1/auth/throttles", Some(&app.token(who)))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {r:?}");
        let r = app
            .post(
                "/api/v1/auth/throttles/clear",
                Some(&app.token(who)),
                json!({"account": "sr.city"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {r:?}");
    }
    let anonymous = app
        .post(
            "/api/v1/auth/throttles/clear",
            None,
            json!({"account": "sr.city"}),
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let r = app.get("/api/v1/auth/throttles", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
    assert_eq!(r.body["pairs_total"], 1, "{r:?}");
    let pair = &r.body["pairs"][0];
    assert_eq!(pair["account"], "sr.city");
    assert_eq!(pair["address"], "203.0.113.5");
    assert_eq!(pair["failures"], 5);
    assert!(
        (1..=2).contains(&pair["wait_secs"].as_u64().expect("wait")),
        "{pair}"
    );
    assert!(
        pair["wait_until"]
            .as_str()
            .is_some_and(|t| t.ends_with("+08:00")),
        "{pair}"
    );
    assert!(pair["last_failure_at"]
        .as_str()
        .is_some_and(|t| t.ends_with("+08:00")));
    assert_eq!(r.body["addresses"][0]["address"], "203.0.113.5");
    assert_eq!(r.body["addresses"][0]["failures"], 5);

    let missing = app
        .post("/api/v1/auth/throttles/clear", Some(&admin), json!({}))
        .await;
    assert_eq!(missing.code(), "throttle_target_missing");
    let bad = app
        .post(
            "/api/v1/auth/throttles/clear",
            Some(&admin),
            json!({"address": "nowhere"}),
        )
        .await;
    assert_eq!(bad.code(), "invalid_address");

    let cleared = app
        .post(
            "/api/v1/auth/throttles/clear",
            Some(&admin),
            json!({"account": " SR.City "}),
        )
        .await;
    assert_eq!(cleared.status, StatusCode::OK, "{cleared:?}");
    assert_eq!(cleared.body["pairs_cleared"], 1);
    // The pair may try again at once; the address keeps its count across accounts.
    assert_eq!(
        attack("wrong-password-1").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = app.get("/api/v1/auth/throttles", Some(&admin)).await;
    assert_eq!(r.body["pairs"][0]["failures"], 1, "{r:?}");
    assert_eq!(r.body["addresses"][0]["failures"], 6, "{r:?}");
    let by_address = app
        .post(
            "/api/v1/auth/throttles/clear",
            Some(&admin),
            json!({"address": "203.0.113.5"}),
        )
        .await;
    assert_eq!(by_address.body["pairs_cleared"], 1, "{by_address:?}");
    assert_eq!(by_address.body["addresses_cleared"], 1, "{by_address:?}");
    let r = app.get("/api/v1/auth/throttles", Some(&admin)).await;
    assert_eq!(
        (
            r.body["pairs_total"].clone(),
            r.body["addresses_total"].clone()
        ),
        (json!(0), json!(0))
    );
    assert_eq!(
        app.login(&sr.username, &sr.password).await.status,
        StatusCode::OK
    );

    // Each clearing is in the audit trail, by the admin, and the trail stays sound.
    niuyang::audit::seal_all(&app.state.db).expect("seal");
    let admin_id = app.account("demo.admin").user_id.clone();
    let entries: Vec<(String, String)> = app
        .state
        .db
        .read_now(|c| {
            use diesel::prelude::*;
            use niuyang::schema::audit_log as a;
            Ok(a::table
                .filter(a::action.eq("clear_login_throttle"))
                .filter(a::actor_id.eq(&admin_id))
                .order(a::seq.asc())
                .select((a::entity, a::entity_id))
                .load(c)?)
        })
        .expect("audit");
    assert_eq!(
        entries,
        vec![
            ("login_throttle".to_string(), "account:sr.city".to_string()),
            (
                "login_throttle".to_string(),
                "address:203.0.113.5".to_string()
            ),
        ]
    );
    let verify = app.get("/api/v1/audit/verify", Some(&admin)).await;
    assert_eq!(verify.body["ok"], true, "{verify:?}");
}

/// When every password check is taken for longer than the configured wait, a login is answered 503 with
/// `Retry-After` at once, not queued, and the attempt is not counted against the account.
#[actix_web::test]
async fn a_login_without_a_free_password_check_is_turned_away() {
    let mut app = TestApp::with_settings(AuthSettings {
        password_checks: 1,
        password_check_wait_ms: 50,
        login_free_failures: 1,
        ..AuthSettings::default()
    });
    app.cast(&["mr.city"]).await;
    let a = app.account("mr.city").clone();
    let held = app.state.auth.passwords.turn().await.expect("turn");
    for _ in 0..3 {
        let r = app.login(&a.username, &a.password).await;
        assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{r:?}");
        assert_eq!(r.code(), "password_checks_busy");
        assert_eq!(
            r.headers.get("retry-after").and_then(|v| v.to_str().ok()),
            Some("1")
        );
        assert_eq!(
            r.headers.get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
    }
    // Other requests do not need a password check and go on.
    assert_eq!(
        app.get("/api/v1/me", Some(&a.token)).await.status,
        StatusCode::OK
    );
    drop(held);
    // The busy answers were not counted as failures: with one free failure, the login goes through.
    let r = app.login(&a.username, &a.password).await;
    assert_eq!(r.status, StatusCode::OK, "{r:?}");
}

/// A stolen token cannot be used to guess the password: wrong current passwords are throttled like
/// failed logins.
#[actix_web::test]
async fn wrong_current_passwords_are_throttled_like_logins() {
    let app = TestApp::with_cast(&["vendor.crv"]).await;
    let a = app.account("vendor.crv").clone();
    let change = |current: &str| {
        app.post(
            "/api/v1/auth/password",
            Some(&a.token),
            json!({"current_password": current, "new_password": "A-much-better-one-9"}),
        )
    };
    for n in 0..5 {
        let r = change(&format!("guess-guess-{n}")).await;
        assert_eq!(r.code(), "wrong_password", "{r:?}");
    }
    let r = change(&a.password).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{r:?}");
    assert_eq!(r.code(), "too_many_login_attempts");
}
