package bot

import "strings"

// startKind is what a /start deep-link payload asks for.
type startKind string

// Payload kinds.
const (
	startNone     startKind = ""    // plain /start
	startService  startKind = "svc" // svc_<service code>: the QR code at a counter
	startOfficial startKind = "asn" // asn_<opd code>: the officials' survey of an OPD
	startInvite   startKind = "inv" // inv_<token>: an official's invitation (redeemInvite)
	startUnknown  startKind = "?"
)

// startPayload is a parsed /start payload.
type startPayload struct {
	Kind startKind `json:"kind"`
	Code string    `json:"code,omitempty"`
}

// parseStart reads a /start payload. Telegram allows [A-Za-z0-9_-] up to
// 64 characters; anything else is startUnknown.
func parseStart(arg string) startPayload {
	if arg == "" {
		return startPayload{}
	}
	kind, code, ok := strings.Cut(arg, "_")
	if !ok || code == "" || len(arg) > 64 || strings.ContainsFunc(arg, func(r rune) bool {
		return !(r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}) {
		return startPayload{Kind: startUnknown, Code: arg}
	}
	switch k := startKind(kind); k {
	case startService, startOfficial, startInvite:
		return startPayload{Kind: k, Code: code}
	}
	return startPayload{Kind: startUnknown, Code: arg}
}

// checkStart says whether a payload names something that exists; if not,
// the polite answer to give instead of starting anything. An invitation
// is handled here whole (redeemInvite): nothing starts after it.
func (t *turn) checkStart(p startPayload) (string, bool, error) {
	switch p.Kind {
	case startService:
		if _, ok := t.b.opt.Catalog.Service(p.Code); !ok {
			return txtUnknownService.f(t.lang(), p.Code), false, nil
		}
	case startOfficial:
		if _, ok := t.b.opt.Catalog.OPD(p.Code); !ok {
			return txtUnknownOPD.f(t.lang(), p.Code), false, nil
		}
	case startInvite:
		answer, err := t.redeemInvite(p.Code)
		return answer, false, err
	case startUnknown:
		return txtUnknownLink.in(t.lang()), false, nil
	}
	return "", true, nil
}
