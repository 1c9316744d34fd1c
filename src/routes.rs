//! Every route of the service, in one place. Each `service(...)` both mounts the handler and adds it to the
//! OpenAPI document, so the two cannot drift apart.

use utoipa_actix_web::service_config::ServiceConfig;

use crate::{
    audit, auth, batches, buyers, certificates, credit, disposals, intake, ledger, lots,
    organisations, recalls, receipts, shipments, slaughterhouses, stalls, stock, users, violations,
};

/// Routes under `/api/v1`.
pub fn api_v1(cfg: &mut ServiceConfig) {
    cfg.service(auth::handlers::login)
        .service(auth::handlers::change_password)
        .service(auth::handlers::me)
        .service(auth::throttles::list)
        .service(auth::throttles::clear)
        // Organisations and accounts (admin).
        .service(organisations::handlers::create)
        .service(organisations::handlers::list)
        .service(organisations::handlers::get_one)
        .service(users::handlers::create)
        .service(users::handlers::list)
        .service(users::handlers::get_one)
        .service(users::handlers::disable)
        .service(users::handlers::enable)
        .service(users::handlers::reset_password)
        .service(users::handlers::assign_vet)
        .service(users::handlers::list_assignments)
        .service(users::handlers::end_assignment)
        // Slaughterhouse registry.
        .service(slaughterhouses::handlers::designate)
        .service(slaughterhouses::handlers::list)
        .service(slaughterhouses::handlers::get_one)
        .service(slaughterhouses::handlers::amend)
        .service(slaughterhouses::handlers::change_status)
        .service(slaughterhouses::handlers::status_history)
        .service(slaughterhouses::handlers::add_agreement)
        .service(slaughterhouses::handlers::list_agreements)
        .service(slaughterhouses::handlers::add_fee_item)
        .service(slaughterhouses::handlers::list_fee_items)
        .service(slaughterhouses::handlers::end_fee_item)
        .service(slaughterhouses::handlers::get_standing)
        .service(slaughterhouses::handlers::public_list)
        // Credit files.
        .service(credit::handlers::list)
        .service(credit::handlers::add)
        .service(credit::handlers::score)
        // The slaughter chain.
        .service(certificates::handlers::create)
        .service(certificates::handlers::list)
        .service(certificates::handlers::get_one)
        .service(intake::handlers::create)
        .service(intake::handlers::list)
        .service(intake::handlers::get_one)
        .service(intake::handlers::check)
        .service(batches::handlers::create)
        .service(batches::handlers::list)
        .service(batches::handlers::get_one)
        .service(batches::handlers::quarantine)
        .service(batches::handlers::inspection)
        .service(batches::handlers::charge_fee)
        .service(lots::handlers::create)
        .service(lots::handlers::label_sheet)
        .service(lots::handlers::get_one)
        .service(lots::handlers::qr_png)
        .service(lots::handlers::qr_svg)
        .service(lots::handlers::correct)
        .service(disposals::handlers::create)
        // Circulation.
        .service(buyers::handlers::register)
        .service(buyers::handlers::get_one)
        .service(buyers::handlers::public_list)
        .service(shipments::handlers::create)
        .service(shipments::handlers::list)
        .service(shipments::handlers::get_one)
        .service(ledger::handlers::scan)
        .service(ledger::handlers::confirm)
        .service(ledger::handlers::list)
        // Recalls.
        .service(recalls::handlers::recall_lot)
        .service(recalls::handlers::recall_batch)
        .service(recalls::handlers::recall_certificate)
        .service(recalls::handlers::list)
        .service(recalls::handlers::get_one)
        .service(recalls::handlers::withdraw)
        .service(recalls::handlers::notifications)
        .service(recalls::handlers::acknowledge)
        .service(recalls::handlers::file_report)
        .service(stock::handlers::split)
        .service(stock::handlers::dispose_held)
        .service(stock::handlers::sold_out)
        .service(receipts::handlers::issue)
        .service(receipts::handlers::verify)
        .service(receipts::handlers::list)
        .service(stalls::handlers::board_json)
        .service(crate::verify::handlers::verify_json)
        // Complaints (12345).
        .service(crate::complaints::handlers::file_web)
        .service(crate::complaints::handlers::file_phone)
        .service(crate::complaints::handlers::lookup)
        .service(crate::complaints::handlers::claim)
        .service(crate::complaints::handlers::list)
        .service(crate::complaints::handlers::overdue)
        .service(crate::complaints::handlers::get_one)
        .service(crate::complaints::handlers::officers)
        .service(crate::complaints::handlers::dispatch)
        .service(crate::complaints::handlers::investigate)
        .service(crate::complaints::handlers::conclude)
        .service(crate::complaints::handlers::reward)
        .service(crate::complaints::handlers::reward_paid)
        .service(crate::complaints::handlers::close)
        // Trace.
        .service(crate::trace::handlers::backward)
        .service(crate::trace::handlers::forward)
        // Violations.
        .service(violations::handlers::list)
        .service(violations::handlers::counts)
        .service(violations::handlers::export_csv)
        .service(violations::handlers::get_one)
        .service(violations::handlers::create)
        .service(violations::handlers::investigate)
        .service(violations::handlers::penalise)
        .service(violations::handlers::dismiss)
        // Audit trail.
        .service(audit::handlers::verify_trail)
        // Interoperation.
        .service(crate::epcis::handlers::export);
}

/// Routes at the top level (health; public pages come with later modules).
pub fn top_level(cfg: &mut ServiceConfig) {
    cfg.service(crate::health::live)
        .service(crate::health::ready)
        .service(stalls::handlers::board_page)
        .service(crate::verify::handlers::page)
        .service(receipts::handlers::page)
        .service(crate::verify::handlers::digital_link)
        .service(crate::complaints::pages::new_form)
        .service(crate::complaints::pages::submit)
        .service(crate::complaints::pages::status_form)
        .service(crate::complaints::pages::status_lookup)
        .service(crate::complaints::pages::claim);
}
