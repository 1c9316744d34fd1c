//! Diesel table definitions, written by hand in the column types both backends share (see `diesel.toml`).
//! Keep in step with `migrations/postgres` and `migrations/sqlite`.

diesel::table! {
    organisations (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        district -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        password_hash -> Text,
        role -> Text,
        org_id -> Text,
        disabled -> Bool,
        must_change_password -> Bool,
        session_epoch -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    slaughterhouses (org_id) {
        org_id -> Text,
        uscc -> Text,
        designation_no -> Text,
        address -> Text,
        species -> Text,
        halal_cert_no -> Nullable<Text>,
        halal_cert_expires -> Nullable<Date>,
        licence_no -> Text,
        licence_valid_from -> Date,
        licence_valid_until -> Date,
        status -> Text,
        designated_on -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    slaughterhouse_status_changes (id) {
        id -> Text,
        slaughterhouse_id -> Text,
        from_status -> Text,
        to_status -> Text,
        reason -> Text,
        changed_by -> Nullable<Text>,
        changed_at -> Timestamp,
    }
}

diesel::table! {
    quality_agreements (id) {
        id -> Text,
        slaughterhouse_id -> Text,
        number -> Text,
        signed_on -> Date,
        expires_on -> Date,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    fee_items (id) {
        id -> Text,
        slaughterhouse_id -> Text,
        item -> Text,
        unit -> Text,
        cap_fen -> BigInt,
        effective_from -> Date,
        effective_until -> Nullable<Date>,
        approval_ref -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    credit_events (id) {
        id -> Text,
        org_id -> Text,
        occurred_on -> Date,
        kind -> Text,
        summary -> Text,
        source_entity -> Nullable<Text>,
        source_id -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    vet_assignments (id) {
        id -> Text,
        vet_id -> Text,
        slaughterhouse_id -> Text,
        assigned_by -> Nullable<Text>,
        assigned_at -> Timestamp,
        ended_by -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        content_hash -> Text,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_pending (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Text,
        content_hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    audit_checkpoints (id) {
        id -> Text,
        seq -> BigInt,
        hash -> Text,
        verified_at -> Timestamp,
    }
}

diesel::joinable!(users -> organisations (org_id));
diesel::joinable!(slaughterhouses -> organisations (org_id));
diesel::joinable!(credit_events -> organisations (org_id));
diesel::joinable!(quality_agreements -> slaughterhouses (slaughterhouse_id));
diesel::joinable!(fee_items -> slaughterhouses (slaughterhouse_id));
diesel::joinable!(slaughterhouse_status_changes -> slaughterhouses (slaughterhouse_id));
diesel::joinable!(vet_assignments -> slaughterhouses (slaughterhouse_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    users,
    slaughterhouses,
    slaughterhouse_status_changes,
    quality_agreements,
    fee_items,
    credit_events,
    vet_assignments,
    audit_log,
    audit_pending,
    audit_head,
    audit_checkpoints,
);
