DROP TABLE recall_withdrawals;
DROP TABLE recall_responses;
DROP TABLE recall_notices;
DROP INDEX lot_recalls_by_recall;
ALTER TABLE lot_recalls DROP COLUMN recall_id;
DROP TABLE recalls;
