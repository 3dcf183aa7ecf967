package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/kotasolok/egovpulse/bot/sender"
	"github.com/kotasolok/egovpulse/config"
	"github.com/kotasolok/egovpulse/storage"
	"github.com/kotasolok/egovpulse/survey"
)

// botUsernameSetting is the bot_settings name of the username from getMe.
const botUsernameSetting = "username"

// rememberBotUsername stores the username getMe gave, for invitation links
// made where the Bot API is not reachable.
func rememberBotUsername(ctx context.Context, st *storage.Store, username string, log *slog.Logger) {
	if username == "" {
		return
	}
	if err := st.SetBotSetting(ctx, botUsernameSetting, username); err != nil {
		log.Warn("cannot remember the bot's username", "err", err)
	}
}

// botUsername finds the bot's username for invitation links: getMe when a
// token is set and the Bot API answers (remembered), else
// TELEGRAM_BOT_USERNAME, else the remembered one.
func botUsername(ctx context.Context, cfg *config.Config, st *storage.Store, log *slog.Logger) (string, error) {
	if cfg.TelegramToken != "" {
		api, err := tgbotapi.NewBotAPIWithClient(cfg.TelegramToken, cfg.TelegramAPIEndpoint, sender.HTTPClient(15*time.Second))
		if err == nil && api.Self.UserName != "" {
			rememberBotUsername(ctx, st, api.Self.UserName, log)
			return api.Self.UserName, nil
		}
		log.Warn("getMe failed; using TELEGRAM_BOT_USERNAME or the remembered username", "err", cfg.Redact(fmt.Sprint(err)))
	}
	if cfg.TelegramBotUsername != "" {
		return cfg.TelegramBotUsername, nil
	}
	if u, err := st.BotSetting(ctx, botUsernameSetting); err != nil || u != "" {
		return u, err
	}
	return "", errors.New("the links need the bot's username: set TELEGRAM_BOT_USERNAME (like KotaSolokSurveiBot), " +
		"or TELEGRAM_BOT_TOKEN with the Bot API reachable (getMe)")
}

func runOfficialsInvite(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("officials invite", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	opd := fs.String("opd", "", "the OPD whose officials to invite")
	csvFile := fs.String("csv", "", "also write the links to this CSV file (for a mail merge)")
	days := fs.Int("days", int(storage.InvitationTTL/(24*time.Hour)), "days the links work")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 || *opd == "" || *days < 1 {
		return usageError("usage: officials invite --opd CODE [--csv FILE] [--days N (≥ 1, default 30)]")
	}
	return withCatalog(ctx, env, func(cfg *config.Config, st *storage.Store, cat *survey.Catalog) error {
		if _, ok := cat.OPD(*opd); !ok {
			return fmt.Errorf("--opd: unknown OPD %q (not in the catalog)", *opd)
		}
		user, err := botUsername(ctx, cfg, st, newLogger(cfg, env.stderr))
		if err != nil {
			return err
		}
		invs, err := st.InviteOPD(ctx, *opd, time.Duration(*days)*24*time.Hour)
		if err != nil {
			return err
		}
		if len(invs) == 0 {
			return fmt.Errorf("%s has no active official left to invite (all joined, or none on the roster)", *opd)
		}
		return writeInvitations(env.stdout, *csvFile, user, invs, cfg.Location)
	})
}

// inviteLink is the deep link of an invitation.
func inviteLink(user, token string) string { return "https://t.me/" + user + "?start=inv_" + token }

// writeInvitations prints one link per official and, with csvFile, writes
// them as a mail-merge CSV.
func writeInvitations(w io.Writer, csvFile, user string, invs []storage.IssuedInvitation, loc *time.Location) error {
	records := [][]string{{"id", "nama", "opd", "nip", "telepon", "tautan", "berlaku_sampai"}}
	for _, inv := range invs {
		o, link := inv.Official, inviteLink(user, inv.Token)
		until := inv.ExpiresAt.In(loc).Format("2006-01-02 15:04")
		fmt.Fprintf(w, "%d\t%s\t%s\t(until %s)\n", o.ID, o.Name, link, until)
		nip := ""
		if o.NIP != nil {
			nip = *o.NIP
		}
		records = append(records, []string{strconv.FormatInt(o.ID, 10), o.Name, o.OPDCode, nip, o.Phone, link, until})
	}
	if csvFile == "" {
		return nil
	}
	f, err := os.Create(csvFile)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.UseCRLF = true // Excel's line ends
	_ = cw.WriteAll(records)
	if err := errors.Join(cw.Error(), f.Close()); err != nil {
		return fmt.Errorf("--csv: %w", err)
	}
	fmt.Fprintf(w, "wrote %d link(s) to %s\n", len(invs), csvFile)
	return nil
}

func runOfficialsRevoke(ctx context.Context, env *environment, args []string) error {
	if len(args) != 1 {
		return usageError("usage: officials revoke ID (the official's ID from officials list)")
	}
	id, err := strconv.ParseInt(args[0], 10, 64)
	if err != nil || id <= 0 {
		return usageError(fmt.Sprintf("officials revoke: %q is not an official's ID (a number from officials list)", args[0]))
	}
	return withCatalog(ctx, env, func(_ *config.Config, st *storage.Store, _ *survey.Catalog) error {
		o, n, err := st.RevokeInvitations(ctx, id)
		if errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("no official with ID %d (see officials list)", id)
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%s (%s) has no pending invitation to revoke", o.Name, o.OPDCode)
		}
		fmt.Fprintf(env.stdout, "revoked %d invitation(s) of %s (%s)\n", n, o.Name, o.OPDCode)
		return nil
	})
}
