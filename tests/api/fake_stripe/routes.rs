//! The fake's endpoints. Each reads Stripe's form parameters, insists on what the adapter must
//! send (manual capture, a confirmed card, an `Idempotency-Key`), asks the test gateway and renders
//! its answer. Idempotency is the gateway's: it stores answers by key and refuses a key reused with
//! other parameters, which `render::failure` turns into Stripe's `idempotency_error`.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::{Form, Json};
use serde_json::{Value, json};
use vitrine::payments::test_gateway::{Recorded, TOKEN_LOST_RESPONSE};
use vitrine::payments::{AuthorizeRequest, GatewayError, PaymentGateway};

use super::render::{self, StripeError, failure, invalid, missing};
use super::{Fake, LOST_RESPONSE_HANG};

type Answer = Result<Json<Value>, StripeError>;

/// Form or query parameters, repeated names (`expand[]`) kept.
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> Option<&str> {
        let mut named = self.0.iter().filter(|(n, _)| n == name);
        named.next().map(|(_, value)| value.as_str())
    }

    fn required(&self, name: &str) -> Result<&str, StripeError> {
        self.get(name)
            .ok_or_else(|| invalid(&format!("Missing required param: {name}.")))
    }

    fn amount(&self, name: &str) -> Result<i64, StripeError> {
        let value = self.required(name)?;
        value
            .parse()
            .map_err(|_| invalid(&format!("Invalid integer: {value}")))
    }

    fn expands(&self, path: &str) -> bool {
        self.0.iter().any(|(n, v)| n == "expand[]" && v == path)
    }
}

fn idempotency_key(headers: &HeaderMap) -> Result<String, StripeError> {
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let key = key.filter(|k| !k.is_empty());
    key.map(str::to_string)
        .ok_or_else(|| invalid("the fake wants an Idempotency-Key on every POST"))
}

fn recorded(fake: &Fake, id: &str) -> Result<Recorded, StripeError> {
    fake.gateway.recorded_of(id).ok_or_else(|| missing(id))
}

/// `POST /v1/payment_intents`: confirm a card token with manual capture.
pub async fn create_intent(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let fields = Fields(form);
    let musts = [
        ("capture_method", "manual"),
        ("confirm", "true"),
        ("payment_method_data[type]", "card"),
        ("metadata[idempotency_key]", key.as_str()),
    ];
    for (name, value) in musts {
        if fields.get(name) != Some(value) {
            return Err(invalid(&format!("the fake wants {name}={value}")));
        }
    }
    let currency = fields.required("currency")?;
    if currency != currency.to_lowercase() {
        return Err(invalid(&format!(
            "the fake wants a lower-case currency: {currency}"
        )));
    }
    let request = AuthorizeRequest {
        amount_minor: fields.amount("amount")?,
        currency: currency.to_uppercase(),
        payment_token: fields.required("payment_method_data[card][token]")?.into(),
        idempotency_key: key,
        description: fields.get("description").unwrap_or_default().into(),
    };
    match fake.gateway.authorize(&request).await {
        Ok(authorization) => {
            let expand = fields.expands("latest_charge");
            Ok(Json(render::intent(&authorization, &request, expand)))
        }
        Err(error @ GatewayError::Unavailable(_))
            if request.payment_token == TOKEN_LOST_RESPONSE =>
        {
            // Done and stored; the answer comes only after the client has stopped waiting.
            tokio::time::sleep(LOST_RESPONSE_HANG).await;
            Err(failure(error))
        }
        Err(error) => Err(failure(error)),
    }
}

/// `POST /v1/payment_intents/{id}/capture`: all (by default) or part of what is held.
pub async fn capture(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let fields = Fields(form);
    let recorded = recorded(&fake, &id)?;
    let amount = match fields.get("amount_to_capture") {
        Some(_) => fields.amount("amount_to_capture")?,
        None => recorded.authorization.amount_minor,
    };
    let captured = fake.gateway.capture(&id, amount, &key).await;
    let captured = captured.map_err(failure)?;
    let expand = fields.expands("latest_charge");
    Ok(Json(render::intent(&captured, &recorded.request, expand)))
}

/// `POST /v1/payment_intents/{id}/cancel`.
pub async fn cancel(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let recorded = recorded(&fake, &id)?;
    let voided = fake.gateway.void(&id, &key).await.map_err(failure)?;
    let expand = Fields(form).expands("latest_charge");
    Ok(Json(render::intent(&voided, &recorded.request, expand)))
}

/// `POST /v1/refunds`: all that is left (by default) or part of a captured intent.
pub async fn create_refund(
    State(fake): State<Fake>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let fields = Fields(form);
    let id = fields.required("payment_intent")?;
    let recorded = recorded(&fake, id)?;
    let held = &recorded.authorization;
    let amount = match fields.get("amount") {
        Some(_) => fields.amount("amount")?,
        None => held.captured_minor - held.refunded_minor,
    };
    let refund = fake
        .gateway
        .refund(id, amount, &key)
        .await
        .map_err(failure)?;
    let currency = &recorded.request.currency;
    Ok(Json(render::refund(&refund, currency, id)))
}

/// `GET /v1/payment_intents/search`, for the one query the adapter sends:
/// `metadata['idempotency_key']:'<key>'`.
pub async fn search_intents(
    State(fake): State<Fake>,
    Query(query): Query<Vec<(String, String)>>,
) -> Answer {
    let fields = Fields(query);
    let text = fields.required("query")?;
    let key = text
        .strip_prefix("metadata['idempotency_key']:'")
        .and_then(|rest| rest.strip_suffix('\''))
        .ok_or_else(|| invalid(&format!("the fake cannot search for {text}")))?;
    let key = key.replace("\\'", "'").replace("\\\\", "\\");
    let found = fake
        .gateway
        .find_authorization(&key)
        .await
        .map_err(failure)?;
    let expand = fields.expands("data.latest_charge");
    let data: Vec<_> = found
        .into_iter()
        .filter_map(|authorization| {
            let recorded = fake.gateway.recorded_of(&authorization.reference)?;
            Some(render::intent(&authorization, &recorded.request, expand))
        })
        .collect();
    let page = json!({
        "object": "search_result",
        "data": data,
        "has_more": false,
        "next_page": null,
        "url": "/v1/payment_intents/search",
    });
    Ok(Json(page))
}

/// The most a list page holds, and how many it holds when `limit` is not given (Stripe's).
const LIST_LIMIT_MAX: usize = 100;
const LIST_LIMIT_DEFAULT: usize = 10;

/// `GET /v1/payment_intents`: intents created at or after `created[gte]`, newest first, `limit`
/// to a page, the next page `starting_after` the last id of this one.
pub async fn list_intents(
    State(fake): State<Fake>,
    Query(query): Query<Vec<(String, String)>>,
) -> Answer {
    let fields = Fields(query);
    let since = match fields.get("created[gte]") {
        Some(_) => fields.amount("created[gte]")?,
        None => i64::MIN,
    };
    let limit = match fields.get("limit") {
        Some(_) => usize::try_from(fields.amount("limit")?).unwrap_or(0),
        None => LIST_LIMIT_DEFAULT,
    };
    if !(1..=LIST_LIMIT_MAX).contains(&limit) {
        return Err(invalid(&format!("limit must be 1 to {LIST_LIMIT_MAX}")));
    }
    let mut newest_first = fake.gateway.recorded();
    newest_first.retain(|r| r.created_at.timestamp() >= since);
    newest_first.reverse();
    let start = match fields.get("starting_after") {
        Some(id) => {
            let at = newest_first
                .iter()
                .position(|r| r.authorization.reference == id);
            at.ok_or_else(|| missing(id))? + 1
        }
        None => 0,
    };
    let rest = newest_first.get(start..).unwrap_or_default();
    let expand = fields.expands("data.latest_charge");
    let page = rest.iter().take(limit);
    let data: Vec<_> = page
        .map(|r| render::intent(&r.authorization, &r.request, expand))
        .collect();
    Ok(Json(json!({
        "object": "list",
        "data": data,
        "has_more": rest.len() > limit,
        "url": "/v1/payment_intents",
    })))
}
