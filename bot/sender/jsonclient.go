package sender

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Client is a lean Bot API client for the sender: text messages, edits and
// callback answers go out as one JSON POST built straight into a pre-sized
// buffer, and only ok, result.message_id, error_code, description and the
// retry_after / migrate_to_chat_id parameters are decoded from the answer.
// Uploads and anything else go through a go-telegram-bot-api client on the
// same token, endpoint and http.Client. Failures are the library's:
// *tgbotapi.Error for an error answer, the http.Client's error on the wire,
// the JSON decoder's for a garbled answer, so the sender classifies them
// alike. Client satisfies API; it is safe for concurrent use.
type Client struct {
	// Token is the bot token; the sender removes it from error text.
	Token string

	prefix, suffix string // the endpoint around the method name
	http           *http.Client
	lib            *tgbotapi.BotAPI
}

// NewClient returns a Client for token on endpoint (a format with two %s,
// token and method, like tgbotapi.APIEndpoint) sending through hc. Unlike
// tgbotapi.NewBotAPIWithClient it makes no request.
func NewClient(token, endpoint string, hc *http.Client) *Client {
	url := fmt.Sprintf(endpoint, token, "\x00")
	prefix, suffix, _ := strings.Cut(url, "\x00")
	lib := &tgbotapi.BotAPI{Token: token, Client: hc, Buffer: 100}
	lib.SetAPIEndpoint(endpoint)
	return &Client{Token: token, prefix: prefix, suffix: suffix, http: hc, lib: lib}
}

// Request sends c through go-telegram-bot-api, for callers that need the
// whole answer.
func (c *Client) Request(ch tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	return c.lib.Request(ch)
}

// reply is the part of a Bot API answer the sender reads.
type reply struct {
	OK          bool                         `json:"ok"`
	Result      messageID                    `json:"result"`
	ErrorCode   int                          `json:"error_code"`
	Description string                       `json:"description"`
	Parameters  *tgbotapi.ResponseParameters `json:"parameters"`
}

// messageID is result.message_id; a result that is not an object (true)
// leaves it 0.
type messageID int

// UnmarshalJSON reads message_id from an object and ignores anything else,
// a malformed object included: the request succeeded all the same.
func (m *messageID) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '{' {
		return nil
	}
	var v struct {
		MessageID int `json:"message_id"`
	}
	_ = json.Unmarshal(b, &v)
	*m = messageID(v.MessageID)
	return nil
}

// answers holds response buffers between requests.
var answers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// send makes one request and returns the new message's id (0 when the
// method returns none).
func (c *Client) send(ch tgbotapi.Chattable) (int, error) {
	method, body, ok := encode(ch)
	if !ok {
		return callLib(c.lib, ch)
	}
	req, err := http.NewRequest(http.MethodPost, c.prefix+method+c.suffix, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	buf := answers.Get().(*bytes.Buffer)
	defer answers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return 0, err
	}
	var r reply
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		return 0, err
	}
	if !r.OK {
		e := &tgbotapi.Error{Code: r.ErrorCode, Message: r.Description}
		if r.Parameters != nil {
			e.ResponseParameters = *r.Parameters
		}
		return 0, e
	}
	return int(r.Result), nil
}

// callLib makes one request through go-telegram-bot-api. Only the new
// message's id is read from the result (a whole Message is many
// allocations per send); a result that is not a message (true: an answer,
// some edits) is still a success.
func callLib(api API, ch tgbotapi.Chattable) (int, error) {
	resp, err := api.Request(ch)
	if err != nil {
		return 0, err
	}
	var id messageID
	if resp != nil && len(resp.Result) > 0 {
		_ = id.UnmarshalJSON(resp.Result)
	}
	return int(id), nil
}
