package bot

import (
	"context"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/survey"
)

// chatMenu is one chat's command menu to set: the menu of roles in the
// chat's scope.
type chatMenu struct {
	chatID int64
	roles  Role
}

// menuQueueSize bounds the chat menus waiting to be set; more are dropped
// (the menu is cosmetic and set again on the official's next /start).
const menuQueueSize = 256

// ChatMenus are the command menus of one private chat for someone with
// roles r (Indonesian default and English).
func ChatMenus(chatID int64, r Role) []CommandMenu {
	table, scope := commandTable(), tgbotapi.NewBotCommandScopeChat(chatID)
	return []CommandMenu{
		{Scope: scope, Commands: menu(table, r, survey.LangID)},
		{Scope: scope, Language: survey.LangEN, Commands: menu(table, r, survey.LangEN)},
	}
}

// queueMenu asks for a chat's menu to be set once the turn is committed;
// without a MenuAPI nothing is set.
func (b *Bot) queueMenu(chatID int64, r Role) {
	if b.opt.MenuAPI == nil || r == 0 {
		return
	}
	select {
	case b.menus <- chatMenu{chatID: chatID, roles: r}:
	default:
		b.log.Warn("chat menu queue full; menu not set", "chat_id", chatID)
	}
}

// setMenus sets the queued chat menus until ctx ends (each only when
// getMyCommands shows another, with Register's retries; a failure is a
// warning).
func (b *Bot) setMenus(ctx context.Context) {
	r := newRegistrar(b.opt.MenuAPI, RegisterOptions{Logger: b.log, Attempts: 3})
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-b.menus:
			for _, cm := range ChatMenus(m.chatID, m.roles) {
				r.setMenu(ctx, cm)
			}
		}
	}
}
