package botapitest

import (
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

const (
	maxTextLen     = 4096
	maxCaptionLen  = 1024
	maxCallbackLen = 64
)

var htmlTags = []string{"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
	"tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji"}

// renderText returns the text a user sees for text sent with parseMode, or
// Telegram's "can't parse entities" error. Legacy "Markdown" is not parsed
// (the text is kept as sent). Lengths are then counted in characters
// (runes) of the rendered text, which is what Telegram counts: 4,096
// astral emoji (8,192 UTF-16 units) are accepted, 4,097 refused.
func renderText(text, parseMode string) (string, error) {
	switch strings.ToLower(parseMode) {
	case "html":
		return renderHTML(text)
	case "markdownv2":
		return renderMarkdownV2(text)
	case "", "markdown":
		return text, nil
	default:
		return "", badRequest("unsupported parse_mode")
	}
}

func renderHTML(text string) (string, error) {
	var out strings.Builder
	var stack []string
	for i := 0; i < len(text); {
		lt := strings.IndexByte(text[i:], '<')
		if lt < 0 {
			out.WriteString(html.UnescapeString(text[i:]))
			break
		}
		out.WriteString(html.UnescapeString(text[i : i+lt]))
		i += lt
		gt := strings.IndexByte(text[i:], '>')
		if gt < 0 {
			return "", badRequest(fmt.Sprintf("can't parse entities: Unclosed start tag at byte offset %d", i))
		}
		tag := text[i+1 : i+gt]
		closing := strings.HasPrefix(tag, "/")
		name := strings.ToLower(strings.Fields(strings.TrimPrefix(tag, "/") + " ")[0])
		if !slices.Contains(htmlTags, name) {
			return "", badRequest(fmt.Sprintf("can't parse entities: Unsupported start tag %q at byte offset %d", name, i))
		}
		if closing {
			if len(stack) == 0 || stack[len(stack)-1] != name {
				return "", badRequest(fmt.Sprintf("can't parse entities: Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", i, last(stack), name))
			}
			stack = stack[:len(stack)-1]
		} else {
			stack = append(stack, name)
		}
		i += gt + 1
	}
	if len(stack) > 0 {
		return "", badRequest(fmt.Sprintf("can't parse entities: Can't find end tag corresponding to start tag %q", last(stack)))
	}
	return out.String(), nil
}

func last(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// renderMarkdownV2 strips formatting and enforces Telegram's escaping rule:
// the characters _*[]()~`>#+-=|{}.! must be escaped with '\' unless they
// are formatting (inside `code` only ` and \ are special). Link targets
// "(...)" after "]" are dropped. It is an approximation of Telegram's parser
// that accepts and refuses the same common cases.
func renderMarkdownV2(text string) (string, error) {
	var out strings.Builder
	inCode := false
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '`':
			inCode = !inCode
		case inCode && r != '\\':
			out.WriteRune(r)
		case r == '\\' && i+1 < len(text):
			r2, s2 := utf8.DecodeRuneInString(text[i+1:])
			out.WriteRune(r2)
			i += 1 + s2
			continue
		case strings.ContainsRune("*_~|[", r):
			// formatting marker: not shown
		case r == ']':
			if strings.HasPrefix(text[i+1:], "(") {
				end := strings.IndexByte(text[i:], ')')
				if end < 0 {
					return "", badRequest("can't parse entities: Can't find end of a URL")
				}
				i += end + 1
				continue
			}
		case strings.ContainsRune(">#+-={}.!()", r):
			return "", badRequest(fmt.Sprintf("can't parse entities: Character '%c' is reserved and must be escaped with the preceding '\\'", r))
		default:
			out.WriteRune(r)
		}
		i += size
	}
	return out.String(), nil
}

// checkLen enforces Telegram's text and caption limits.
func checkLen(plain string, caption bool) error {
	n := utf8.RuneCountInString(plain)
	switch {
	case caption && n > maxCaptionLen:
		return badRequest("message caption is too long")
	case !caption && strings.TrimSpace(plain) == "":
		return badRequest("message text is empty")
	case !caption && n > maxTextLen:
		return badRequest("message is too long")
	}
	return nil
}

// parseMarkup validates reply_markup and returns the inline keyboard it
// holds (nil for other markups) and the JSON to echo in results.
func parseMarkup(raw string) ([][]Button, json.RawMessage, error) {
	if raw == "" || raw == "null" {
		return nil, nil, nil
	}
	var kb struct {
		InlineKeyboard *[][]inlineButton `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &kb); err != nil {
		return nil, nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if kb.InlineKeyboard == nil {
		return nil, nil, nil // reply keyboards are not echoed by Telegram
	}
	var rows [][]Button
	for _, row := range *kb.InlineKeyboard {
		var out []Button
		for _, b := range row {
			if b.Text == "" {
				return nil, nil, badRequest("text buttons are unallowed in the inline keyboard")
			}
			if b.CallbackData == nil && b.URL == "" {
				return nil, nil, badRequest("can't find field \"callback_data\"")
			}
			if b.CallbackData != nil && (len(*b.CallbackData) == 0 || len(*b.CallbackData) > maxCallbackLen) {
				return nil, nil, badRequest("BUTTON_DATA_INVALID")
			}
			btn := Button{Text: b.Text, URL: b.URL}
			if b.CallbackData != nil {
				btn.Data = *b.CallbackData
			}
			out = append(out, btn)
		}
		rows = append(rows, out)
	}
	norm, err := json.Marshal(inlineKeyboard{InlineKeyboard: *kb.InlineKeyboard})
	if err != nil {
		return nil, nil, fmt.Errorf("marshal keyboard: %w", err)
	}
	return rows, norm, nil
}
