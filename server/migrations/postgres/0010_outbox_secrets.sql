-- What the outbox keeps of a message once it is sent: the body with its secret part (a
-- registration or attach code, a link carrying one) replaced. NULL: the body holds no secret.
-- Marking a message sent moves this text into `body`.
ALTER TABLE outbox ADD COLUMN body_after_send TEXT;
