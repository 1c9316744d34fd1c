-- Refused (CHECK constraint) once an erasure has been recorded: an erasure cannot be undone.
DROP INDEX complaint_events_of_kind;
DROP INDEX complaint_events_claimant_held;
DROP INDEX complaints_reporter_name_held;
DROP INDEX complaints_reporter_phone_held;
ALTER TABLE complaint_events DROP CONSTRAINT complaint_events_kind_check;
ALTER TABLE complaint_events ADD CONSTRAINT complaint_events_kind_check CHECK (kind IN ('received',
    'dispatched', 'investigating', 'substantiated', 'unsubstantiated', 'rewarded', 'reward_claimed',
    'reward_paid', 'closed'));
ALTER TABLE complaint_events DROP COLUMN claimant_salt;
ALTER TABLE complaints DROP COLUMN reporter_erased_at;
ALTER TABLE complaints DROP COLUMN reporter_salt;
