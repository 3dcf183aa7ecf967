package storage

import "context"

// AddMigrationForTest appends a migration this binary "knows", as a newer
// release would.
func (s *Store) AddMigrationForTest(version int, name string, stmts ...string) {
	s.migrations = append(s.migrations, migration{Version: version, Name: name, Statements: stmts})
}

// RecordMigrationForTest records a migration as applied without running it.
func (s *Store) RecordMigrationForTest(ctx context.Context, version int) error {
	return s.db.WithContext(ctx).Create(&schemaMigration{Version: version, Name: "test", AppliedAt: utcMilli(s.now())}).Error
}

// CountForTest counts the rows of table matching the condition.
func (s *Store) CountForTest(ctx context.Context, table, query string, args ...any) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Table(table).Where(query, args...).Count(&n).Error
	return n, err
}

// IsolationForTest returns the isolation level a transaction of s runs at
// on MySQL (e.g. "READ-COMMITTED"); MariaDB before 11.1 names the variable
// tx_isolation, MySQL 8 transaction_isolation.
func (s *Store) IsolationForTest(ctx context.Context) (string, error) {
	var level string
	err := s.Tx(ctx, func(tx *Tx) error {
		err := tx.db.Raw("SELECT @@transaction_isolation").Scan(&level).Error
		if err != nil {
			err = tx.db.Raw("SELECT @@tx_isolation").Scan(&level).Error
		}
		return err
	})
	return level, err
}
