-- Roles granted in chat by a superadmin (/admin tambah, /admin hapus):
-- one row per grant, kept after revocation (revoked_at, revoked_by) as
-- the record of who granted what and when. A user has at most one grant
-- in force (revoked_at IS NULL); granting again revokes the one before.
CREATE TABLE IF NOT EXISTS admin_grants (
  id BIGINT NOT NULL AUTO_INCREMENT,
  user_id BIGINT NOT NULL,
  role VARCHAR(16) NOT NULL,
  granted_by BIGINT NOT NULL,
  granted_at DATETIME(3) NOT NULL,
  revoked_at DATETIME(3) NULL,
  revoked_by BIGINT NULL,
  PRIMARY KEY (id),
  KEY admin_grants_user (user_id, revoked_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
