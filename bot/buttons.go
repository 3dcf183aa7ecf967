package bot

import "strings"

// IsNavigationButton reports whether an inline button with this
// callback_data only moves through the questionnaire (the survey's Skip
// and « Back) rather than answering the question. A client that maps
// typed input to buttons, like the terminal of `egovpulse chat`, uses it
// to tell a question with answer buttons from one that wants a typed
// number, date or text and shows only navigation.
//
// This is the one place outside the survey engine that knows which
// buttons are navigation: the data is "<nonce base36>:<token>" (see
// callbackData), and the engine's skip and back tokens are
// "skip:<question>" and "back:<question>". Anything else, including data
// that is not the bot's, is not navigation.
func IsNavigationButton(callbackData string) bool {
	_, token, ok := parseData(callbackData)
	if !ok {
		return false
	}
	kind, _, _ := strings.Cut(token, ":")
	return kind == "skip" || kind == "back"
}
