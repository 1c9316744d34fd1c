//! The complaint pages (no JavaScript): the form, the receipt with ticket number and access code, the status
//! look-up and the reward claim. Each reads its form (`super::form`), calls one use case and renders
//! (`super::html`). Chinese first; `lang=en` for English.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use super::form::{FormFields, TicketFields};
use super::html::{form_page, lookup_form, receipt_page, t, ticket_page};
use super::usecases;
use crate::error::AppError;
use crate::idempotency::IdempotencyKey;
use crate::state::AppState;

fn html(status: StatusCode, page: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("cache-control", "no-store"))
        .body(page)
}

fn status_of(err: &AppError) -> StatusCode {
    StatusCode::from_u16(err.problem().status).unwrap_or(StatusCode::BAD_REQUEST)
}

/// The complaint form; `code` pre-fills the trace code (the verification page links here).
#[utoipa::path(
    tag = "public",
    params(FormFields),
    responses((status = 200, content_type = "text/html", description = "the form"))
)]
#[get("/complaints/new")]
pub async fn new_form(q: web::Query<FormFields>) -> HttpResponse {
    let f = FormFields {
        submission: None,
        ..q.into_inner()
    };
    html(
        StatusCode::OK,
        form_page(f.lang.as_deref() == Some("en"), &f, None),
    )
}

/// Submit the form: the page answers with the ticket number and access code.
#[utoipa::path(
    tag = "public",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "the form's fields"),
    responses((status = 201, content_type = "text/html", description = "ticket number and access code"), (status = 200, content_type = "text/html", description = "the same form submitted again (its hidden `submission` key): the same ticket and access code"), (status = 422, description = "the form again, with the error"), (status = 429, description = "too many complaints"))
)]
#[post("/complaints/new")]
pub async fn submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<FormFields>,
) -> HttpResponse {
    let f = form.into_inner();
    let en = f.lang.as_deref() == Some("en");
    let result = async {
        state.auth.limits.complaint(&req)?;
        let cmd = f.request()?;
        let key = IdempotencyKey::from_field(f.submission.as_deref())?;
        usecases::file_form(&state, key, cmd).await
    }
    .await;
    match result {
        Ok((filed, fresh)) => html(
            if fresh {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            receipt_page(en, &filed),
        ),
        Err(e) => with_retry(html(status_of(&e), form_page(en, &f, Some(&e))), &e),
    }
}

/// What the address of the look-up form may carry: the ticket number to fill in, and the language.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
pub struct StatusFormQuery {
    /// Ticket number, filled in.
    pub ticket_no: Option<String>,
    /// Language (`en` for English).
    pub lang: Option<String>,
}

/// The status look-up form.
#[utoipa::path(
    tag = "public",
    params(StatusFormQuery),
    responses((status = 200, content_type = "text/html", description = "the form"))
)]
#[get("/complaints/status")]
pub async fn status_form(q: web::Query<StatusFormQuery>) -> HttpResponse {
    let q = q.into_inner();
    let f = TicketFields {
        ticket_no: q.ticket_no,
        lang: q.lang,
        ..TicketFields::default()
    };
    html(
        StatusCode::OK,
        lookup_form(f.lang.as_deref() == Some("en"), &f, None),
    )
}

fn with_retry(mut res: HttpResponse, err: &AppError) -> HttpResponse {
    if let Some(secs) = err.problem().retry_after {
        if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&secs.to_string()) {
            res.headers_mut()
                .insert(actix_web::http::header::RETRY_AFTER, v);
        }
    }
    res
}

/// Look a report up with its ticket number and access code.
#[utoipa::path(
    tag = "public",
    request_body(content = TicketFields, content_type = "application/x-www-form-urlencoded", description = "ticket_no, access_code, lang"),
    responses((status = 200, content_type = "text/html", description = "the report's progress"), (status = 404, description = "wrong ticket or code"), (status = 429, description = "too many look-ups"))
)]
#[post("/complaints/status")]
pub async fn status_lookup(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TicketFields>,
) -> HttpResponse {
    let f = form.into_inner();
    let en = f.lang.as_deref() == Some("en");
    let result = async {
        state.auth.limits.lookup(&req)?;
        usecases::lookup(&state, f.ticket()).await
    }
    .await;
    match result {
        Ok(v) => html(StatusCode::OK, ticket_page(en, &v, &f, None)),
        Err(e) => with_retry(html(status_of(&e), lookup_form(en, &f, Some(&e))), &e),
    }
}

/// Claim a reward from the status page.
#[utoipa::path(
    tag = "public",
    request_body(content = TicketFields, content_type = "application/x-www-form-urlencoded", description = "ticket_no, access_code, name, phone, account, lang"),
    responses((status = 200, content_type = "text/html", description = "the report's progress, claim recorded"), (status = 409, description = "not claimable"), (status = 429, description = "too many look-ups"))
)]
#[post("/complaints/claim")]
pub async fn claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TicketFields>,
) -> HttpResponse {
    let f = form.into_inner();
    let en = f.lang.as_deref() == Some("en");
    let result = async {
        state.auth.limits.lookup(&req)?;
        usecases::claim_reward(&state, f.claim()?).await
    }
    .await;
    match result {
        Ok(v) => html(
            StatusCode::OK,
            ticket_page(
                en,
                &v,
                &f,
                Some(t(
                    en,
                    "奖励申领已提交，承办部门将与您联系。",
                    "Your claim has been recorded; the office will contact you.",
                )),
            ),
        ),
        Err(e) => with_retry(html(status_of(&e), lookup_form(en, &f, Some(&e))), &e),
    }
}
