-- Replies that may not have gone out, and the audience of a response.
-- processed_updates gains the chat of each update and reply_pending: set
-- when an update is applied, cleared once its reply (or a later one of the
-- chat) was delivered; the recovery pass re-shows the current prompt of
-- chats whose latest reply stayed pending (a crash between commit and send).
-- responses.audience keeps officials' answers (asn) apart from residents'.
ALTER TABLE processed_updates
  ADD COLUMN chat_id BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN reply_pending BOOLEAN NOT NULL DEFAULT FALSE,
  ADD KEY processed_updates_pending (reply_pending, chat_id, update_id);
ALTER TABLE responses
  ADD COLUMN audience VARCHAR(16) NOT NULL DEFAULT 'resident';
UPDATE responses SET audience = 'official' WHERE survey_id = 'asn';
