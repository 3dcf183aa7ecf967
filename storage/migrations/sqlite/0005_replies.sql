-- Replies that may not have gone out, and the audience of a response (see
-- the MySQL migration of the same number).
ALTER TABLE processed_updates ADD COLUMN chat_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE processed_updates ADD COLUMN reply_pending BOOLEAN NOT NULL DEFAULT 0;
CREATE INDEX processed_updates_pending ON processed_updates (reply_pending, chat_id, update_id);
ALTER TABLE responses ADD COLUMN audience TEXT NOT NULL DEFAULT 'resident';
UPDATE responses SET audience = 'official' WHERE survey_id = 'asn';
