package bot

import (
	"context"
	"errors"
)

// rosterLookup is what RosterRoles needs of the store.
type rosterLookup interface {
	IsOfficial(ctx context.Context, telegramUserID int64) (bool, error)
}

// RosterRoles grants RoleOfficial to a Telegram user bound to an active
// roster entry (an official who joined through an invitation): one indexed
// lookup per update.
type RosterRoles struct {
	Roster rosterLookup
}

// Roles returns RoleOfficial for a bound, active official.
func (r RosterRoles) Roles(ctx context.Context, userID int64) (Role, error) {
	ok, err := r.Roster.IsOfficial(ctx, userID)
	if err != nil || !ok {
		return 0, err
	}
	return RoleOfficial, nil
}

// AnyRoles combines role sources: a user has every role any of them
// grants. A failing source costs only its own roles: the others' are
// returned with the errors joined.
type AnyRoles []RoleSource

// Roles asks every source in turn.
func (a AnyRoles) Roles(ctx context.Context, userID int64) (Role, error) {
	var out Role
	var errs []error
	for _, s := range a {
		r, err := s.Roles(ctx, userID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out |= r
	}
	return out, errors.Join(errs...)
}
