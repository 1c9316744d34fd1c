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

diesel::table! {
    animal_certificates (id) {
        id -> Text,
        number -> Text,
        cert_type -> Text,
        species -> Text,
        head_count -> Integer,
        owner_name -> Text,
        origin_place -> Text,
        destination_id -> Text,
        carrier -> Text,
        vehicle_plate -> Text,
        issued_at -> Timestamp,
        valid_until -> Date,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    animal_certificate_ear_tags (certificate_id, ear_tag) {
        certificate_id -> Text,
        ear_tag -> Text,
    }
}

diesel::table! {
    intakes (id) {
        id -> Text,
        slaughterhouse_id -> Text,
        certificate_id -> Text,
        species -> Text,
        heads_alive -> Integer,
        heads_dead -> Integer,
        vehicle_plate -> Text,
        received_at -> Timestamp,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    intake_ear_tags (intake_id, ear_tag) {
        intake_id -> Text,
        ear_tag -> Text,
    }
}

diesel::table! {
    intake_checks (id) {
        id -> Text,
        intake_id -> Text,
        vet_id -> Text,
        accepted -> Bool,
        note -> Nullable<Text>,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    slaughter_batches (id) {
        id -> Text,
        slaughterhouse_id -> Text,
        batch_no -> Text,
        species -> Text,
        halal -> Bool,
        slaughter_date -> Date,
        heads -> Integer,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    batch_intakes (batch_id, intake_id) {
        batch_id -> Text,
        intake_id -> Text,
        heads -> Integer,
    }
}

diesel::table! {
    quarantine_results (id) {
        id -> Text,
        batch_id -> Text,
        vet_id -> Text,
        heads_passed -> Integer,
        heads_failed -> Integer,
        samples -> Integer,
        positives -> Integer,
        note -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    product_certificates (id) {
        id -> Text,
        number -> Text,
        cert_type -> Text,
        batch_id -> Text,
        quarantine_id -> Text,
        product -> Text,
        quantity -> BigInt,
        unit -> Text,
        vet_id -> Text,
        issued_at -> Timestamp,
        valid_until -> Date,
    }
}

diesel::table! {
    inspection_certificates (id) {
        id -> Text,
        number -> Text,
        batch_id -> Text,
        weight_g -> BigInt,
        inspector -> Text,
        passed -> Bool,
        inspected_at -> Timestamp,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    lots (id) {
        id -> Text,
        trace_code -> Text,
        batch_id -> Text,
        slaughterhouse_id -> Text,
        product_kind -> Text,
        product_name -> Text,
        weight_g -> BigInt,
        halal -> Bool,
        storage -> Text,
        use_by -> Date,
        gtin -> Nullable<Text>,
        product_certificate_id -> Text,
        inspection_certificate_id -> Text,
        parent_lot_id -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    disposals (id) {
        id -> Text,
        org_id -> Text,
        target -> Text,
        batch_id -> Nullable<Text>,
        lot_id -> Nullable<Text>,
        reason -> Text,
        method -> Text,
        weight_g -> BigInt,
        heads -> Integer,
        handler -> Text,
        supervising_vet_id -> Nullable<Text>,
        outsourced -> Bool,
        handover_slip -> Nullable<Text>,
        disposed_at -> Timestamp,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    corrections (id) {
        id -> Text,
        entity -> Text,
        entity_id -> Text,
        field -> Text,
        value -> Text,
        reason -> Text,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    fee_charges (id) {
        id -> Text,
        batch_id -> Text,
        slaughterhouse_id -> Text,
        item -> Text,
        fee_item_id -> Nullable<Text>,
        quantity -> BigInt,
        amount_fen -> BigInt,
        finding -> Text,
        charged_on -> Date,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    violations (id) {
        id -> Text,
        rule -> Text,
        article -> Text,
        source -> Text,
        severity -> Text,
        subject_org_id -> Nullable<Text>,
        subject_name -> Nullable<Text>,
        subject_address -> Nullable<Text>,
        district -> Nullable<Text>,
        summary -> Text,
        summary_en -> Text,
        actor_id -> Nullable<Text>,
        detected_at -> Timestamp,
    }
}

diesel::table! {
    violation_records (violation_id, entity, entity_id) {
        violation_id -> Text,
        entity -> Text,
        entity_id -> Text,
    }
}

diesel::table! {
    violation_events (id) {
        id -> Text,
        violation_id -> Text,
        seq -> Integer,
        kind -> Text,
        reason -> Text,
        fine_fen -> Nullable<BigInt>,
        actor_id -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    buyer_profiles (org_id) {
        org_id -> Text,
        buyer_kind -> Text,
        licence_no -> Text,
        address -> Text,
        market_name -> Nullable<Text>,
        stall_no -> Nullable<Text>,
        registered_by -> Nullable<Text>,
        registered_at -> Timestamp,
    }
}

diesel::table! {
    shipments (id) {
        id -> Text,
        seller_id -> Text,
        buyer_id -> Text,
        ship_date -> Date,
        voucher_no -> Text,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    shipment_lines (shipment_id, lot_id) {
        shipment_id -> Text,
        lot_id -> Text,
        weight_g -> BigInt,
        unit_price_fen -> BigInt,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> Text,
        buyer_id -> Text,
        supplier_id -> Text,
        lot_id -> Text,
        weight_g -> BigInt,
        product_certificate_no -> Text,
        inspection_certificate_no -> Text,
        receipt_no -> Nullable<Text>,
        document_check -> Bool,
        document_note -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    lot_recalls (id) {
        id -> Text,
        lot_id -> Text,
        reason -> Text,
        recalled_by -> Nullable<Text>,
        recalled_at -> Timestamp,
        recall_id -> Nullable<Text>,
    }
}

diesel::table! {
    recalls (id) {
        id -> Text,
        scope -> Text,
        scope_id -> Text,
        slaughterhouse_id -> Text,
        reason -> Text,
        recalled_by -> Nullable<Text>,
        recalled_at -> Timestamp,
    }
}

diesel::table! {
    recall_notices (id) {
        id -> Text,
        recall_id -> Text,
        holder_id -> Text,
        lot_id -> Text,
        weight_to_pull_g -> BigInt,
        notified_at -> Timestamp,
    }
}

diesel::table! {
    recall_responses (id) {
        id -> Text,
        notice_id -> Text,
        kind -> Text,
        pulled_g -> BigInt,
        disposed_g -> BigInt,
        disposal_id -> Nullable<Text>,
        note -> Nullable<Text>,
        responded_by -> Nullable<Text>,
        responded_at -> Timestamp,
    }
}

diesel::table! {
    recall_withdrawals (recall_id) {
        recall_id -> Text,
        reason -> Text,
        withdrawn_by -> Nullable<Text>,
        withdrawn_at -> Timestamp,
    }
}

diesel::table! {
    lot_splits (child_lot_id) {
        child_lot_id -> Text,
        parent_lot_id -> Text,
        holder_id -> Text,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    receipts (id) {
        id -> Text,
        number -> Text,
        seller_id -> Text,
        issued_at -> Timestamp,
        recorded_by -> Nullable<Text>,
    }
}

diesel::table! {
    receipt_lines (receipt_id, lot_id) {
        receipt_id -> Text,
        lot_id -> Text,
        weight_g -> BigInt,
        price_fen -> BigInt,
    }
}

diesel::table! {
    sold_out_marks (id) {
        id -> Text,
        org_id -> Text,
        lot_id -> Text,
        day -> Date,
        marked_by -> Nullable<Text>,
        marked_at -> Timestamp,
    }
}

diesel::table! {
    verification_counts (id) {
        id -> Text,
        lot_id -> Text,
        stall_id -> Nullable<Text>,
        minute -> Timestamp,
        hits -> BigInt,
    }
}

diesel::table! {
    complaints (id) {
        id -> Text,
        ticket_no -> Text,
        access_salt -> Text,
        access_hash -> Text,
        category -> Text,
        description -> Text,
        place -> Nullable<Text>,
        district -> Nullable<Text>,
        subject_org_id -> Nullable<Text>,
        subject_lot_id -> Nullable<Text>,
        subject_name -> Nullable<Text>,
        subject_code -> Nullable<Text>,
        channel -> Text,
        work_order_no -> Nullable<Text>,
        reporter_name -> Nullable<Text>,
        reporter_phone -> Nullable<Text>,
        side -> Text,
        routed_org_id -> Nullable<Text>,
        entered_by -> Nullable<Text>,
        received_at -> Timestamp,
        dispatch_due -> Date,
        conclude_due -> Date,
        reporter_salt -> Nullable<Text>,
        reporter_erased_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    complaint_events (id) {
        id -> Text,
        complaint_id -> Text,
        seq -> Integer,
        kind -> Text,
        status -> Text,
        actor_id -> Nullable<Text>,
        officer_id -> Nullable<Text>,
        note -> Nullable<Text>,
        reply -> Nullable<Text>,
        reward_fen -> Nullable<BigInt>,
        paid_on -> Nullable<Date>,
        claimant_name -> Nullable<Text>,
        claimant_phone -> Nullable<Text>,
        claimant_account -> Nullable<Text>,
        violation_id -> Nullable<Text>,
        at -> Timestamp,
        claimant_salt -> Nullable<Text>,
    }
}

diesel::joinable!(users -> organisations (org_id));
diesel::joinable!(slaughterhouses -> organisations (org_id));
diesel::joinable!(credit_events -> organisations (org_id));
diesel::joinable!(quality_agreements -> slaughterhouses (slaughterhouse_id));
diesel::joinable!(fee_items -> slaughterhouses (slaughterhouse_id));
diesel::joinable!(slaughterhouse_status_changes -> slaughterhouses (slaughterhouse_id));
diesel::joinable!(vet_assignments -> slaughterhouses (slaughterhouse_id));

diesel::joinable!(animal_certificates -> slaughterhouses (destination_id));
diesel::joinable!(intakes -> animal_certificates (certificate_id));
diesel::joinable!(batch_intakes -> slaughter_batches (batch_id));
diesel::joinable!(batch_intakes -> intakes (intake_id));
diesel::joinable!(lots -> slaughter_batches (batch_id));
diesel::joinable!(violation_records -> violations (violation_id));
diesel::joinable!(violation_events -> violations (violation_id));

diesel::joinable!(shipment_lines -> shipments (shipment_id));
diesel::joinable!(shipment_lines -> lots (lot_id));
diesel::joinable!(ledger_entries -> lots (lot_id));
diesel::joinable!(recall_notices -> recalls (recall_id));
diesel::joinable!(recall_notices -> lots (lot_id));
diesel::joinable!(recall_responses -> recall_notices (notice_id));
diesel::joinable!(recall_withdrawals -> recalls (recall_id));
diesel::joinable!(receipt_lines -> receipts (receipt_id));
diesel::joinable!(buyer_profiles -> organisations (org_id));
diesel::joinable!(verification_counts -> lots (lot_id));
diesel::joinable!(complaint_events -> complaints (complaint_id));

diesel::table! {
    /// Idempotency keys: one answer per (scope, key). Not evidence, not audited.
    idempotency_keys (scope, key_hash) {
        scope -> Text,
        key_hash -> Text,
        operation -> Text,
        fingerprint -> Text,
        answer -> Text,
        created_at -> Timestamp,
    }
}

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
    animal_certificates,
    animal_certificate_ear_tags,
    intakes,
    intake_ear_tags,
    intake_checks,
    slaughter_batches,
    batch_intakes,
    quarantine_results,
    product_certificates,
    inspection_certificates,
    lots,
    disposals,
    corrections,
    fee_charges,
    violations,
    violation_records,
    violation_events,
    buyer_profiles,
    shipments,
    shipment_lines,
    ledger_entries,
    lot_recalls,
    recalls,
    recall_notices,
    recall_responses,
    recall_withdrawals,
    lot_splits,
    receipts,
    receipt_lines,
    sold_out_marks,
    verification_counts,
    complaints,
    complaint_events,
);
