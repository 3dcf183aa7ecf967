package bot

// cmdWhoAmI answers /peran: the roles the user has, by numeric user id.
func (t *turn) cmdWhoAmI(string) error {
	t.say(txtWhoAmI.f(t.lang(), t.userID(), t.roles.names(t.lang())))
	return nil
}
