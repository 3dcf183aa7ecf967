package sender

import (
	"net/http"
	"time"
)

// MaxConnsPerHost is how many keep-alive connections HTTPClient keeps to
// the Bot API. Go's default keeps 2, so a bot replying to many chats at once
// would open and close a connection for nearly every call.
const MaxConnsPerHost = 100

// HTTPClient returns the http.Client for the Bot API clients (NewClient,
// tgbotapi.NewBotAPIWithClient): requests time out after timeout (the client
// has no context, see the package comment), and up to MaxConnsPerHost idle
// connections are kept for reuse.
func HTTPClient(timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = MaxConnsPerHost
	t.MaxIdleConnsPerHost = MaxConnsPerHost
	return &http.Client{Timeout: timeout, Transport: t}
}
