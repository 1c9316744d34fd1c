DROP INDEX animal_certificates_by_expiry;
DROP INDEX violations_by_severity;
DROP INDEX violations_by_time;
DROP TABLE violation_events;
