/* auth.c: credentials for a fetch, each source offered once: the URL's
 * userinfo, ~/.git-credentials (or git's XDG file), the ssh agent (see
 * internal.h). Passwords are wiped from memory once handed to libgit2. */
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "gen/repo/internal.h"

static int
credentials_in_file(const char *path, const char *origin, char **user, char **pass)
{
	char *data, *line, *save = NULL, *o;
	size_t len;
	int found = -1;

	if (!path || !path_exists(path) || read_file(path, &data, &len) < 0)
		return -1;
	for (line = strtok_r(data, "\n", &save); line && found < 0; line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = '\0';
		o = url_origin(line);
		if (o && strcmp(o, origin) == 0 && url_user_pass(line, user, pass) == 0)
			found = 0;
		free(o);
	}
	memset(data, 0, len); /* passwords do not linger in freed memory */
	free(data);
	return found;
}

/* Look url's host up in ~/.git-credentials, then in git's XDG file. */
static int
credentials_lookup(const char *url, char **user, char **pass)
{
	char *origin = url_origin(url), *path;
	const char *home = getenv("HOME"), *xdg = getenv("XDG_CONFIG_HOME");
	int rc = -1;

	if (!origin)
		return -1;
	if (home && *home) {
		path = xasprintf("%s/.git-credentials", home);
		rc = credentials_in_file(path, origin, user, pass);
		free(path);
	}
	if (rc < 0) {
		if (xdg && *xdg)
			path = xasprintf("%s/git/credentials", xdg);
		else
			path = home && *home ? xasprintf("%s/.config/git/credentials", home) : NULL;
		rc = credentials_in_file(path, origin, user, pass);
		free(path);
	}
	free(origin);
	return rc;
}

static int
auth_userpass(git_credential **out, struct auth *a)
{
	char *user = NULL, *pass = NULL;
	int rc = 1;

	if (!a->tried_url) {
		a->tried_url = 1;
		if (url_user_pass(a->url, &user, &pass) == 0)
			rc = git_credential_userpass_plaintext_new(out, user, pass);
	}
	if (rc == 1 && !a->tried_file) {
		a->tried_file = 1;
		if (credentials_lookup(a->url, &user, &pass) == 0)
			rc = git_credential_userpass_plaintext_new(out, user, pass);
	}
	if (pass)
		memset(pass, 0, strlen(pass));
	free(user);
	free(pass);
	return rc;
}

int
auth_credentials(git_credential **out, const char *url, const char *user_from_url,
		 unsigned int allowed, void *payload)
{
	struct auth *a = payload;
	const char *user = user_from_url && *user_from_url ? user_from_url : "git";
	int rc = 1;

	(void)url;
	if ((allowed & GIT_CREDENTIAL_USERNAME) && !a->tried_user) {
		a->tried_user = 1;
		rc = git_credential_username_new(out, user);
	} else if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !a->tried_agent) {
		a->tried_agent = 1;
		rc = git_credential_ssh_key_from_agent(out, user);
	} else if (allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
		rc = auth_userpass(out, a);
	}
	if (rc == 0) {
		a->offered = 1;
		return 0;
	}
	if (rc < 0)
		return rc;
	a->refused = 1;
	git_error_set_str(GIT_ERROR_NET, "authentication refused");
	return GIT_EAUTH;
}
