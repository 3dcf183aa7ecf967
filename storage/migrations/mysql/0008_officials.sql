-- Officials, their invitations and the services' counts.
-- officials: the roster (egovpulse officials import); nip is NULL when the
-- file gives none (NULLs do not collide in the unique key); inactive =
-- missing from the last import; telegram_user_id set once an invitation
-- was used (joined).
-- official_invitations: single-use, expiring, revocable /start inv_<token>
-- links bound to one official.
-- service_counts: people served per service and period (egovpulse counts
-- import), the N of the Krejcie–Morgan check and the digital take-up.
-- bot_settings: remembered facts about the bot (its username from getMe).
CREATE TABLE IF NOT EXISTS officials (
  id BIGINT NOT NULL AUTO_INCREMENT,
  nip VARCHAR(32) NULL,
  name VARCHAR(200) NOT NULL,
  opd_code VARCHAR(64) NOT NULL,
  level VARCHAR(16) NOT NULL,
  role VARCHAR(16) NOT NULL,
  phone VARCHAR(32) NOT NULL DEFAULT '',
  active BOOLEAN NOT NULL DEFAULT TRUE,
  telegram_user_id BIGINT NULL,
  joined_at DATETIME(3) NULL,
  created_at DATETIME(3) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY officials_nip (nip),
  UNIQUE KEY officials_telegram (telegram_user_id),
  KEY officials_opd (opd_code, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS official_invitations (
  id BIGINT NOT NULL AUTO_INCREMENT,
  token VARCHAR(64) NOT NULL,
  official_id BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL,
  expires_at DATETIME(3) NOT NULL,
  used_at DATETIME(3) NULL,
  used_by BIGINT NULL,
  revoked_at DATETIME(3) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY official_invitations_token (token),
  KEY official_invitations_official (official_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS service_counts (
  service_code VARCHAR(64) NOT NULL,
  period_key VARCHAR(16) NOT NULL,
  total INT NOT NULL,
  online INT NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (service_code, period_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE TABLE IF NOT EXISTS bot_settings (
  name VARCHAR(64) NOT NULL,
  value VARCHAR(255) NOT NULL,
  updated_at DATETIME(3) NOT NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
