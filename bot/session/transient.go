package session

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/redis/go-redis/v9"
)

// IsTransient reports whether err says the session store could not be
// used right now rather than that one chat's data is wrong, so the work
// must be retried for as long as it takes:
//   - context deadlines and cancellations, refused, broken or timed-out
//     connections, an exhausted or closed connection pool;
//   - Redis replies about the server's state, which fail every chat alike:
//     LOADING, READONLY (a replica during a fail-over), MASTERDOWN,
//     CLUSTERDOWN, TRYAGAIN, BUSY (a long script), OOM, NOREPLICAS, the
//     client limit, and NOAUTH/WRONGPASS/NOPERM (a changed password).
//
// Other Redis replies (WRONGTYPE, a script's error on one chat's keys) and
// the store's own answers (ErrNotFound, ErrConflict) are not transient:
// retrying the same chat's work cannot change them.
func IsTransient(err error) bool {
	switch {
	case err == nil, errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict), errors.Is(err, redis.Nil):
		return false
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true
	}
	for _, target := range []error{redis.ErrClosed, redis.ErrPoolTimeout, redis.ErrPoolExhausted,
		io.EOF, io.ErrUnexpectedEOF, syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE} {
		if errors.Is(err, target) {
			return true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return redis.IsLoadingError(err) || redis.IsReadOnlyError(err) || redis.IsMasterDownError(err) ||
		redis.IsClusterDownError(err) || redis.IsTryAgainError(err) || redis.IsOOMError(err) ||
		redis.IsNoReplicasError(err) || redis.IsMaxClientsError(err) || redis.IsAuthError(err) ||
		redis.IsPermissionError(err) || busyScript(err)
}

// busyScript matches "BUSY Redis is busy running a script".
func busyScript(err error) bool {
	var re redis.Error
	return errors.As(err, &re) && strings.HasPrefix(re.Error(), "BUSY ")
}
