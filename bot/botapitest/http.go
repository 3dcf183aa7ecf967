package botapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// maxUpload bounds a multipart request (Telegram allows 50 MB for bots).
const maxUpload = 50 << 20

// Request is one Bot API request as the emulator received it.
type Request struct {
	// Method is the Bot API method as written in the path, e.g. "sendMessage".
	Method string
	// Params holds every parameter (query, form or JSON); uploaded files
	// appear under their field name with the file name as value.
	Params url.Values
	// ChatID is the chat_id parameter when it is numeric, else 0.
	ChatID int64
	// Time is when the request arrived (emulator clock).
	Time time.Time
	// Status is the HTTP status answered; 0 when the connection was dropped.
	Status int
	// ViaWebhook reports a call the bot made in a webhook response body
	// rather than as a request of its own (Status is what it would have
	// answered; the bot never sees it).
	ViaWebhook bool
}

// apiError is a Bot API failure in Telegram's shape.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
	MigrateTo   int64
}

// Error returns the description.
func (e *apiError) Error() string { return e.Description }

func badRequest(desc string) *apiError {
	return &apiError{Code: http.StatusBadRequest, Description: "Bad Request: " + desc}
}

// params holds a request's parameters and uploaded files.
type params struct {
	v     url.Values
	files map[string]upload
}

// upload is one file part of a multipart request.
type upload struct {
	name string
	mime string
	data []byte
}

func (p params) str(key string) string { return p.v.Get(key) }

func (p params) has(key string) bool { _, ok := p.v[key]; return ok }

func (p params) int64(key string) (int64, error) {
	s := p.v.Get(key)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, badRequest(fmt.Sprintf("invalid %s specified", key))
	}
	return n, nil
}

func (p params) int(key string) (int, error) {
	n, err := p.int64(key)
	return int(n), err
}

func (p params) bool(key string) bool {
	b, _ := strconv.ParseBool(p.v.Get(key))
	return b
}

// ServeHTTP answers /bot<token>/<method> like api.telegram.org.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	slash := strings.LastIndexByte(rest, '/')
	if !ok || slash < 0 {
		writeJSON(w, http.StatusNotFound, errorBody(&apiError{Code: 404, Description: "Not Found"}))
		return
	}
	token, method := rest[:slash], rest[slash+1:]
	if token != s.opts.Token {
		writeJSON(w, http.StatusUnauthorized, errorBody(&apiError{Code: 401, Description: "Unauthorized"}))
		return
	}
	p, err := parseParams(r)
	rec := Request{Method: method, Params: p.v, Time: s.now()}
	rec.ChatID, _ = strconv.ParseInt(p.str("chat_id"), 10, 64)
	status := s.serveMethod(w, r, method, p, err)
	rec.Status = status
	s.mu.Lock()
	s.requests = append(s.requests, rec)
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("botapitest request", "method", method, "chat_id", rec.ChatID, "status", status)
}

// serveMethod applies faults, runs the method and writes the answer; it
// returns the HTTP status written (0 for a dropped connection).
func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request, method string, p params, perr error) int {
	if perr != nil {
		return writeResult(w, nil, badRequest(perr.Error()))
	}
	h, ok := s.handlers[strings.ToLower(method)]
	if !ok {
		return writeResult(w, nil, &apiError{Code: 404, Description: "Not Found"})
	}
	f, hasFault := s.takeFault(method, p)
	if hasFault {
		switch f.Kind {
		case FaultDrop:
			dropConn(w)
			return 0
		case FaultSlow:
			sleepCtx(r, f.Delay)
			if r.Context().Err() != nil {
				return 0 // the client gave up before the request was handled
			}
		case FaultTimeoutAfterApply:
			result, err := h(r, p)
			sleepCtx(r, f.Delay)
			return writeResult(w, result, err)
		default:
			return writeResult(w, nil, f.apiError())
		}
	}
	if ferr := s.checkFlood(method, p); ferr != nil {
		return writeResult(w, nil, ferr)
	}
	result, err := h(r, p)
	return writeResult(w, result, err)
}

// methodFunc runs one Bot API method and returns its result.
type methodFunc func(r *http.Request, p params) (any, error)

func (s *Server) methods() map[string]methodFunc {
	return map[string]methodFunc{
		"getme":                  s.getMe,
		"getupdates":             s.getUpdates,
		"setwebhook":             s.setWebhook,
		"deletewebhook":          s.deleteWebhook,
		"getwebhookinfo":         s.getWebhookInfo,
		"sendmessage":            s.sendMessage,
		"editmessagetext":        s.editMessageText,
		"editmessagereplymarkup": s.editMessageReplyMarkup,
		"answercallbackquery":    s.answerCallbackQuery,
		"sendphoto":              s.sendPhoto,
		"senddocument":           s.sendDocument,
		"setmycommands":          s.setMyCommands,
		"getmycommands":          s.getMyCommands,
		"deletemycommands":       s.deleteMyCommands,
		"sendchataction":         s.sendChatAction,
		"deletemessage":          s.deleteMessage,
	}
}

func sleepCtx(r *http.Request, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-r.Context().Done():
	}
}

// dropConn closes the connection without writing a response.
func dropConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

func errorBody(e *apiError) map[string]any {
	body := map[string]any{"ok": false, "error_code": e.Code, "description": e.Description}
	prm := map[string]any{}
	if e.RetryAfter > 0 {
		prm["retry_after"] = e.RetryAfter
	}
	if e.MigrateTo != 0 {
		prm["migrate_to_chat_id"] = e.MigrateTo
	}
	if len(prm) > 0 {
		body["parameters"] = prm
	}
	return body
}

// writeResult writes {"ok":true,"result":...} or the error body and returns
// the status code.
func writeResult(w http.ResponseWriter, result any, err error) int {
	if err != nil {
		ae := apiErrorOf(err)
		writeJSON(w, ae.Code, errorBody(ae))
		return ae.Code
	}
	body := map[string]any{"ok": true, "result": result}
	if d, ok := result.(described); ok {
		body = map[string]any{"ok": true, "result": d.result, "description": d.description}
	}
	writeJSON(w, http.StatusOK, body)
	return http.StatusOK
}

// apiErrorOf returns a method's error in Telegram's shape: a 500 for an
// unexpected one.
func apiErrorOf(err error) *apiError {
	ae, ok := err.(*apiError)
	if !ok {
		ae = &apiError{Code: 500, Description: "Internal Server Error: " + err.Error()}
	}
	return ae
}

// described is a result that Telegram answers with a description too.
type described struct {
	result      any
	description string
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		status = http.StatusInternalServerError
		b = []byte(`{"ok":false,"error_code":500,"description":"Internal Server Error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// parseParams merges query parameters with a form, multipart or JSON body.
func parseParams(r *http.Request) (params, error) {
	p := params{v: url.Values{}, files: map[string]upload{}}
	for k, vs := range r.URL.Query() {
		p.v[k] = vs
	}
	if r.Body == nil || r.Method == http.MethodGet {
		return p, nil
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/x-www-form-urlencoded":
		body, err := io.ReadAll(io.LimitReader(r.Body, maxUpload))
		if err != nil {
			return p, fmt.Errorf("read body: %w", err)
		}
		vals, err := url.ParseQuery(string(body))
		if err != nil {
			return p, fmt.Errorf("parse form: %w", err)
		}
		for k, vs := range vals {
			p.v[k] = vs
		}
	case "multipart/form-data":
		return p, parseMultipart(r, p)
	case "application/json":
		return p, parseJSONBody(r, p)
	}
	return p, nil
}

func parseMultipart(r *http.Request, p params) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return fmt.Errorf("multipart: %w", err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("multipart: %w", err)
		}
		data, err := io.ReadAll(io.LimitReader(part, maxUpload))
		if err != nil {
			return fmt.Errorf("multipart %s: %w", part.FormName(), err)
		}
		if part.FileName() == "" {
			p.v.Add(part.FormName(), string(data))
			continue
		}
		p.files[part.FormName()] = upload{name: part.FileName(), mime: part.Header.Get("Content-Type"), data: data}
		p.v.Set(part.FormName(), part.FileName())
	}
}

func parseJSONBody(r *http.Request, p params) error {
	var obj map[string]json.RawMessage
	dec := json.NewDecoder(io.LimitReader(r.Body, maxUpload))
	dec.UseNumber()
	if err := dec.Decode(&obj); err != nil {
		if err == io.EOF {
			return nil
		}
		return fmt.Errorf("parse JSON body: %w", err)
	}
	for k, raw := range obj {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p.v.Set(k, s)
			continue
		}
		p.v.Set(k, string(bytes.TrimSpace(raw)))
	}
	return nil
}
