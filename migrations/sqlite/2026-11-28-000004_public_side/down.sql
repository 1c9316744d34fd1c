DROP TABLE complaint_events;
DROP TABLE complaints;
DROP TABLE verification_counts;
