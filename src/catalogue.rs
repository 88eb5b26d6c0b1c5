//! The rule catalogue: one table that holds, for every diagnostic code, its severity, a one-line
//! title, why it matters and how to fix it. `explain`, SARIF rule metadata and `docs/rules.md` all
//! read this table, so a code is declared once and nowhere else.

use serde::Serialize;

/// How serious a diagnostic is. The order matters: `Error > Warning > Info`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One catalogue entry.
#[derive(Debug)]
pub struct Rule {
    pub code: Code,
    pub id: &'static str,
    pub severity: Severity,
    pub title: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

macro_rules! catalogue {
    ($( $variant:ident = $id:literal, $severity:ident,
        title: $title:literal,
        why: $why:literal,
        fix: $fix:literal; )*) => {
        /// A stable diagnostic code. The string form (`as_str`) is the public, stable surface.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }

        /// Every code, in declaration order (the order of the SPEC's tables).
        pub static CATALOGUE: &[Rule] = &[
            $( Rule {
                code: Code::$variant,
                id: $id,
                severity: Severity::$severity,
                title: $title,
                why: $why,
                fix: $fix,
            } ),*
        ];
    };
}

impl Code {
    pub fn rule(self) -> &'static Rule {
        // The table is declared in the same order as the enum, so the discriminant is the index.
        &CATALOGUE[self as usize]
    }
    pub fn as_str(self) -> &'static str {
        self.rule().id
    }
    pub fn severity(self) -> Severity {
        self.rule().severity
    }
    pub fn from_id(id: &str) -> Option<Code> {
        CATALOGUE
            .iter()
            .find(|rule| rule.id == id)
            .map(|rule| rule.code)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the rule documentation lives; SARIF `helpUri` points into it.
pub const DOCS_URL: &str =
    "https://github.com/appmixer-connectors/connector-lint/blob/main/docs/rules.md";

impl Rule {
    /// The anchor of this rule in `docs/rules.md` (GitHub's heading slug).
    pub fn help_uri(&self) -> String {
        let slug: String = self
            .id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        format!("{DOCS_URL}#{slug}")
    }
}

catalogue! {
    LoadSyntax = "load/syntax", Error,
        title: "The file is not valid YAML or JSON",
        why: "Appmixer cannot read a file it cannot parse, and nothing else in it can be checked until it parses.",
        fix: "Fix the syntax at the position shown. In JSON, remove comments and trailing commas and quote every key; in YAML, check indentation and quote values that contain `: ` or start with a special character.";
    LoadDuplicateKey = "load/duplicate-key", Error,
        title: "A key appears twice in one mapping",
        why: "When a key is repeated, tools disagree on which value wins: the value you checked may not be the value Appmixer uses.",
        fix: "Keep one occurrence of the key and delete the other.";
    LoadNotUtf8 = "load/not-utf8", Error,
        title: "The file is not UTF-8",
        why: "YAML and JSON configuration must be UTF-8; other encodings corrupt ids and secrets silently.",
        fix: "Save the file as UTF-8 (without a byte order mark is best), e.g. `iconv -f UTF-16 -t UTF-8`.";
    LoadTooLarge = "load/too-large", Error,
        title: "The file is larger than the size limit",
        why: "A connector configuration is a few hundred bytes; a huge file is almost certainly the wrong file, and reading it would waste time and memory.",
        fix: "Check that the path points at the connector configuration, or raise the limit with `--max-file-size`.";
    LoadEmpty = "load/empty", Error,
        title: "No document, or an empty one",
        why: "An empty configuration leaves the connector without a client id and secret.",
        fix: "Write the record into the file; `connector-lint init` prints a starter configuration.";
    LoadNotARecord = "load/not-a-record", Error,
        title: "The document (or a sequence item) is not a mapping",
        why: "A service configuration is a mapping of keys to values, or a list of such mappings; anything else cannot be a configuration.",
        fix: "Write the configuration as `key: value` pairs (YAML) or a `{...}` object (JSON), or a list of them.";
    ServiceIdMisspelled = "service-id/misspelled", Error,
        title: "`serviceId` is close to a supported connector's id but not it",
        why: "Appmixer matches the service id exactly; a near miss stores the configuration under a service that does not exist, and the connector never sees it.",
        fix: "Write the service id exactly as the connector's: `appmixer:azuredevops`, `appmixer:microsoft` or `appmixer:microsoft:dynamics` (lower case, with colons).";
    ServiceIdUnsupported = "service-id/unsupported", Info,
        title: "A record of another service; skipped",
        why: "connector-lint checks the connectors that sign users in with Microsoft Entra ID (`appmixer:azuredevops`, `appmixer:microsoft`, `appmixer:microsoft:dynamics`); records of other services are left alone.",
        fix: "Nothing to do, unless the record was meant for one of the supported connectors.";
    ServiceIdMissing = "service-id/missing", Error,
        title: "A record inside a sequence has no `serviceId`",
        why: "In a list of service configurations each record names its service; without one it is impossible to tell which connector the record configures.",
        fix: "Add the connector's service id to the record, e.g. `serviceId: appmixer:azuredevops`.";
    KeyMissing = "key/missing", Error,
        title: "`clientId` or `clientSecret` is absent",
        why: "The connector cannot start the OAuth flow without the Entra app's client id and secret: users would fail when they connect an account.",
        fix: "Add the key: `clientId` is the Application (client) ID on the app's Overview page; `clientSecret` is the secret Value under Certificates & secrets.";
    KeyMisspelled = "key/misspelled", Error,
        title: "An unknown key that is a near miss of a known one",
        why: "Appmixer reads keys by their exact name: `clientID` or `client_secret` is ignored, and the connector behaves as if the key were missing.",
        fix: "Rename the key to the spelling suggested (keys are case-sensitive camelCase).";
    KeyUnknown = "key/unknown", Warning,
        title: "An unknown key",
        why: "The connector does not read this key; it is dead configuration, or a typo of a key that is then missing.",
        fix: "Remove the key, or rename it to one of the connector's keys (`connector-lint schema SERVICE` lists them with their meaning).";
    KeyWrongType = "key/wrong-type", Error,
        title: "A value of the wrong type",
        why: "YAML turns unquoted values such as `yes`, `1e3` or an empty value into booleans, numbers or null; ids, secrets and URIs must be text, a flag such as `microsoftTenant` must be `true` or `false`, and a cache TTL a non-negative number of milliseconds.",
        fix: "Quote text values (`clientId: \"...\"`), write flags as `true` or `false`, and TTLs as a whole number of milliseconds such as `60000`.";
    ValueSurroundingWhitespace = "value/surrounding-whitespace", Error,
        title: "Leading or trailing whitespace in a value",
        why: "Entra compares ids, secrets and redirect URIs exactly: a space or newline pasted with the value makes it a different value, and sign-in fails with an opaque error. (The other rules judge the value without the whitespace, so this is the one error about it.)",
        fix: "Remove the surrounding spaces, tabs or newlines (a YAML block scalar `|` keeps a trailing newline: use `|-` or a plain value).";
    ValueSurroundingQuotes = "value/surrounding-quotes", Error,
        title: "The value itself still carries quote characters",
        why: "Quotes pasted inside a quoted value (`'\"abc\"'`) become part of the value, so Entra sees a different id or secret.",
        fix: "Keep one pair of quotes at most: `clientId: \"abc\"`, not `clientId: '\"abc\"'`.";
    EnvUndefined = "env/undefined", Error,
        title: "A `${NAME}` reference whose variable is not set",
        why: "The value is taken from the environment; when the variable is unset there is no value to check or deploy.",
        fix: "Set the variable in the environment that runs connector-lint (and the deploy), or write the value into the file.";
    ClientIdNotGuid = "client-id/not-guid", Error,
        title: "`clientId` is not a GUID",
        why: "Entra application (client) ids are GUIDs; anything else is not an id Entra will recognise. The message names the first character that does not belong (a letter `O` for a zero, an en dash for `-`, a full-width digit, an invisible character) and where it is.",
        fix: "Copy the Application (client) ID from the app registration's Overview page in Microsoft Entra ID (form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`).";
    ClientIdNilGuid = "client-id/nil-guid", Error,
        title: "`clientId` is the nil GUID",
        why: "`00000000-0000-0000-0000-000000000000` is a placeholder, never a real application id.",
        fix: "Copy the Application (client) ID from the app registration's Overview page.";
    ClientIdPlaceholder = "client-id/placeholder", Error,
        title: "`clientId` is a template value",
        why: "A template value such as `YOUR_CLIENT_ID` was never replaced, so sign-in cannot work.",
        fix: "Replace it with the Application (client) ID from the app registration's Overview page.";
    ClientIdAzureDevopsResource = "client-id/azure-devops-resource", Error,
        title: "`clientId` is the Azure DevOps resource id",
        why: "`499b84ac-1321-427f-aa17-267ca6975798` identifies Azure DevOps itself (the API permission), not your app registration.",
        fix: "Use your own app's Application (client) ID from its Overview page in Microsoft Entra ID.";
    ClientIdResourceAppId = "client-id/resource-app-id", Error,
        title: "`clientId` is a well-known Microsoft application's id",
        why: "`00000003-0000-0000-c000-000000000000` (Microsoft Graph), `00000007-0000-0000-c000-000000000000` (Dynamics CRM) and `499b84ac-1321-427f-aa17-267ca6975798` (Azure DevOps) identify Microsoft's own APIs, listed under API permissions; `04b07795-8ddb-461a-bbee-02f9e1bf7b46` (Azure CLI), `1950a258-227b-4e31-a9cf-717495945fc2` (Azure PowerShell) and `872cd9fa-d31f-45e0-9eab-6e460a02d1f1` (Visual Studio) are Microsoft's own client apps, seen in sign-in logs and samples. None is your app registration's id, and every sign-in fails (AADSTS700016, or a consent and redirect URI your app does not have).",
        fix: "Use your own app's Application (client) ID from its Overview page in Microsoft Entra ID.";
    ClientIdEqualsTenantId = "client-id/equals-tenant-id", Error,
        title: "`clientId` is the same GUID as `tenantId`",
        why: "The app's Overview page shows the Application (client) ID and, one line below it, the Directory (tenant) ID: both are GUIDs, and the tenant's was copied into `clientId`. Entra finds no application with that id (AADSTS700016).",
        fix: "Copy the Application (client) ID from the app registration's Overview page; the Directory (tenant) ID belongs in `tenantId`.";
    ClientSecretEmpty = "client-secret/empty", Error,
        title: "`clientSecret` is empty",
        why: "Without a secret the token request fails with AADSTS7000218.",
        fix: "Paste the secret Value from Certificates & secrets (create a new client secret if you no longer have it).";
    ClientSecretLooksLikeSecretId = "client-secret/looks-like-secret-id", Error,
        title: "`clientSecret` is GUID-shaped: the Secret ID was copied instead of the Value",
        why: "Entra shows two columns for a client secret: Value and Secret ID. The Secret ID is a GUID and is not a credential; the token request fails with AADSTS7000215. When the GUID is the record's `tenantId` or a well-known Microsoft application id, the message says so instead.",
        fix: "Copy the Value column under Certificates & secrets (it is shown only once, right after creation; create a new secret if you no longer have it).";
    ClientSecretPlaceholder = "client-secret/placeholder", Error,
        title: "`clientSecret` is a template value",
        why: "A template value such as `YOUR_CLIENT_SECRET` was never replaced, so every token request fails.",
        fix: "Replace it with an environment reference such as `${AZDO_CLIENT_SECRET}` and set that variable to the secret Value from Certificates & secrets.";
    ClientSecretEqualsClientId = "client-secret/equals-client-id", Error,
        title: "`clientSecret` is the same as `clientId`",
        why: "The client id was pasted into both fields; the secret is missing.",
        fix: "Paste the secret Value from Certificates & secrets into `clientSecret`.";
    ClientSecretMalformed = "client-secret/malformed", Error,
        title: "`clientSecret` cannot be an Entra secret Value as written",
        why: "Entra generates secret Values of plain ASCII without whitespace: current ones are 40 characters, three of them, a digit and `Q~` first. A value that starts like one but has another length was cut off or has something appended; a space, tab, invisible or non-ASCII character inside came with the copy; a GUID beside the Value is its Secret ID pasted along; tab-separated fields are a row of the portal's table; an Azure DevOps personal access token or a JWT (an old Azure DevOps OAuth app's secret) is another kind of credential; `tenantId` is no secret. Every token request fails (AADSTS7000215). The message says what the value looks like, never what it is.",
        fix: "Copy the secret Value again from Certificates & secrets (it is shown only once; create a new client secret if you no longer have it) and paste it alone.";
    ClientSecretUnrecognizedFormat = "client-secret/unrecognized-format", Warning,
        title: "`clientSecret` has neither the current Entra format nor a plausible legacy one",
        why: "Current Entra secrets are about 40 characters: three characters, a digit, `Q~`, then 31 to 34 of letters, digits and `_~.-`. Older ones are 16 to 64 printable ASCII characters. A value shorter or longer than that, without a clearer sign of what it is (`client-secret/malformed`), is likely truncated or the wrong value.",
        fix: "Copy the secret Value again from Certificates & secrets; if in doubt, create a new secret and paste its Value.";
    ClientSecretPlaintext = "client-secret/plaintext", Warning,
        title: "The secret is written literally in the file",
        why: "A secret committed to a file ends up in version control, backups and logs. Reported only for a literal value that may be a real secret: not for `${NAME}` references (a secret from the environment is as secret as one in the file, and is never printed), nor for values that are already an error (empty, template, Secret ID).",
        fix: "Write `clientSecret: ${NAME}` (e.g. `${AZDO_CLIENT_SECRET}`) and provide the variable from your secret store or CI secrets.";
    RedirectUriInvalidUrl = "redirect-uri/invalid-url", Error,
        title: "The redirect URI is not an absolute URL",
        why: "Entra only accepts absolute redirect URIs; Appmixer sends this value during sign-in, as written. Whitespace and invisible characters (a zero-width space, a soft hyphen, a byte order mark) count too: the URL parser drops them silently, but Appmixer sends them and Entra compares them; the message names the character (`U+200B ZERO WIDTH SPACE at character 32`).",
        fix: "Write the full URL, without invisible characters, e.g. `https://api.<subdomain>.appmixer.cloud/auth/azuredevops/callback` (the Microsoft connectors' callback is `/auth/microsoft/callback`).";
    RedirectUriInsecureScheme = "redirect-uri/insecure-scheme", Error,
        title: "The redirect URI does not use https",
        why: "Entra requires `https` redirect URIs; `http` is allowed only for `localhost` and the loopback address `127.0.0.1`, for development (Microsoft prefers `127.0.0.1`; the portal's Redirect URIs box refuses it over `http`, the app's manifest takes it). The scheme is checked as written: `HTTPS://` is https, but Appmixer sends the value as written and the registered URI must be the same text, so a scheme in capitals is reported too.",
        fix: "Use `https://`, in lower case, with your Appmixer API host. For local development `http://localhost` or `http://127.0.0.1` (add the latter in the app's Manifest, `web.redirectUris`, as the portal's text box refuses it).";
    RedirectUriWrongPath = "redirect-uri/wrong-path", Error,
        title: "The redirect URI path is not the connector's callback path",
        why: "Appmixer receives the authorization code at `<API URL>/auth/<connector>/callback` (`/auth/azuredevops/callback`; `/auth/microsoft/callback` for `appmixer:microsoft` and `appmixer:microsoft:dynamics`); any other path never reaches the connector (and Entra compares the path exactly, letter case included). An empty segment (`//`) is another path too.",
        fix: "End the URI in the connector's callback path, exactly in that letter case. On `*.appmixer.cloud` that is the whole path; a self-managed Appmixer whose API URL has a path prefix keeps the prefix before it (`https://appmixer.contoso.com/api/auth/azuredevops/callback`).";
    RedirectUriTrailingSlash = "redirect-uri/trailing-slash", Error,
        title: "The redirect URI ends in `/callback/`",
        why: "Entra compares redirect URIs exactly: a trailing slash makes it a different URI and sign-in fails with AADSTS50011.",
        fix: "Remove the trailing slash here and in the Entra app registration.";
    RedirectUriHasQuery = "redirect-uri/has-query", Error,
        title: "The redirect URI has a query string",
        why: "Appmixer sends the callback URI without a query; a registered URI with one does not match (AADSTS50011).",
        fix: "Remove everything from `?` on.";
    RedirectUriHasFragment = "redirect-uri/has-fragment", Error,
        title: "The redirect URI has a `#fragment`",
        why: "Entra does not allow fragments in redirect URIs.",
        fix: "Remove everything from `#` on.";
    RedirectUriForbiddenCharacter = "redirect-uri/forbidden-character", Error,
        title: "The redirect URI holds a character Entra rejects",
        why: "Entra rejects redirect URIs containing `! $ ' ( ) , ;`.",
        fix: "Remove the character; the callback URI is `<API URL>/auth/<connector>/callback`.";
    RedirectUriTooLong = "redirect-uri/too-long", Error,
        title: "The redirect URI is longer than 256 characters",
        why: "Entra limits redirect URIs to 256 characters.",
        fix: "Use the plain callback URI `<API URL>/auth/<connector>/callback`.";
    RedirectUriPlaceholderHost = "redirect-uri/placeholder-host", Error,
        title: "The redirect URI host is still a template",
        why: "A host written as a placeholder (`api.YOUR_SUBDOMAIN.appmixer.cloud`, `api.<subdomain>.appmixer.cloud`, `{tenant}`, `SUBDOMAIN`, `example.com`) was never replaced; sign-in redirects nowhere. A word inside a real host name is no template: `appmixer.yourstory.com`, `api.tenant.contoso.com` and `api.host.ch` pass.",
        fix: "Use the host of your Appmixer API, e.g. `api.acme.appmixer.cloud` (pass `--api-url` to have it compared).";
    RedirectUriNotApiHost = "redirect-uri/not-api-host", Error,
        title: "An `*.appmixer.cloud` host that is not the `api.` host",
        why: "The OAuth callback is served by the Appmixer API (`api.<subdomain>.appmixer.cloud`), not by the Studio (`my.`) or Backoffice (`backoffice.`) front ends. Hosted Appmixer serves its API on the default https port and Appmixer sends the host without a trailing dot, so a port (`:8443`, `:0443`, a bare `:`) or a trailing dot on an `*.appmixer.cloud` host is reported too (`:443`, the default written out, is the same URI).",
        fix: "Use the API host: `https://api.<subdomain>.appmixer.cloud/auth/<connector>/callback` (replace `my.` or `backoffice.` with `api.`; no port, no trailing dot), and register that URI on the Entra app. The help names the corrected URI only when the Appmixer subdomain can be told from the host.";
    RedirectUriMismatch = "redirect-uri/mismatch", Error,
        title: "`redirectUri`, `callbackUrl` and `--api-url` disagree",
        why: "The URI Appmixer sends must be exactly the one registered in Entra, or sign-in fails with AADSTS50011. As Entra does, the comparison ignores the port of a `localhost` URI (and only there: `127.0.0.1` and other hosts keep theirs).",
        fix: "Make `redirectUri` and `callbackUrl` both `<API URL>/auth/<connector>/callback`, and register that URI on the Entra app (Authentication > Web > Redirect URIs).";
    RedirectUriUnsupportedHost = "redirect-uri/unsupported-host", Error,
        title: "The redirect URI's host is one Entra does not support or Appmixer cannot send",
        why: "Entra does not support internationalised domain names (a host with a character outside ASCII: an accented or Cyrillic letter, an ideographic full stop `。`, a full-width digit) nor the IPv6 loopback `[::1]` in redirect URIs, and the URL parser that reads such a host changes it silently. A wildcard host (`https://*.contoso.com`) is not a template but a pattern: Appmixer sends one concrete URI, and Entra takes wildcard URIs only through the manifest, only for apps that sign in work accounts alone, and advises against them.",
        fix: "Write the host of your Appmixer API in ASCII (`api.<subdomain>.appmixer.cloud`, or a self-managed host in its `xn--` form); for local development use `http://127.0.0.1` (registered through the app's Manifest, as the portal's text box refuses it) or `http://localhost` instead of `[::1]`.";
    TenantInvalid = "tenant/invalid", Error,
        title: "`tenantId` is neither a GUID nor a domain name, or cannot be a tenant",
        why: "Entra identifies a tenant by its Directory (tenant) ID (a GUID) or a verified domain; anything else cannot be looked up. The nil GUID, a sign-in host (`login.microsoftonline.com`, `sts.windows.net`) and a sign-in address (`sts.windows.net/<GUID>`: the message gives the tenant in it) are no tenant either, nor is `consumers` (the tenant of personal accounts) for a connector that signs in work or school accounts only. `common` and `organizations` are sign-in aliases for many tenants; a probe reports them (`tenant/not-specific`).",
        fix: "Copy the Directory (tenant) ID from the app registration's Overview page.";
    TenantNotSpecific = "tenant/not-specific", Error,
        title: "`common`, `organizations` or `consumers` given for a probe",
        why: "The probe asks for an app-only token (client credentials), which Entra issues for one specific tenant: the app's home tenant, or any tenant where a multitenant app has a service principal. The aliases `common`, `organizations` and `consumers` name no tenant, so they are refused, and nothing is sent.",
        fix: "Use the Directory (tenant) ID from the app registration's Overview page (`--tenant` or `tenantId`).";
    TenantNationalCloud = "tenant/national-cloud", Warning,
        title: "`tenantId` is a tenant of a national cloud the connector does not sign in through",
        why: "The connectors sign users in only through the global cloud (their `auth.js` calls `https://login.microsoftonline.com`). A tenant whose domain is `*.onmicrosoft.us` (Azure Government) or `*.partner.onmschina.cn` (Azure operated by 21Vianet) lives in another cloud, where an app registered there is unknown to that sign-in; a probe with `--cloud usgov` or `--cloud china` can prove the credentials in that cloud, but says nothing about signing in through Appmixer.",
        fix: "Register the app in a tenant of the global cloud. If your Appmixer's connector was changed to sign in through the national cloud, ignore the finding (`--ignore tenant/national-cloud`).";
    ProbeOk = "probe/ok", Info,
        title: "Entra issued a token: tenant, client id and secret work",
        why: "The probe proved that the tenant exists, the app is in it and the secret is valid. The token alone does not prove the app registration (the `registration/*` findings do, when the probe can read it) nor consent in the customers' tenants.",
        fix: "Nothing to do.";
    ProbeTenantRequired = "probe/tenant-required", Error,
        title: "No tenant to probe against",
        why: "The token endpoint is per tenant; without the app's home tenant the probe cannot ask anything.",
        fix: "Pass `--tenant <Directory (tenant) ID>` or add `tenantId` to the record (Overview page of the app registration).";
    ProbeTenantNotFound = "probe/tenant-not-found", Error,
        title: "Entra does not know the tenant (AADSTS90002)",
        why: "The tenant id or domain is wrong, or belongs to another cloud.",
        fix: "Copy the Directory (tenant) ID from the app registration's Overview page; check `--cloud`.";
    ProbeTenantMalformed = "probe/tenant-malformed", Error,
        title: "Entra rejects the tenant identifier as malformed (AADSTS900023)",
        why: "The tenant is neither a GUID nor a valid domain name.",
        fix: "Use the Directory (tenant) ID (a GUID) from the app registration's Overview page.";
    ProbeClientNotFound = "probe/client-not-found", Error,
        title: "Entra does not find the app in that tenant (AADSTS700016)",
        why: "The client id is wrong, or the app is registered in another tenant.",
        fix: "Copy the Application (client) ID from the app's Overview page, and the Directory (tenant) ID from the same page.";
    ProbeSecretInvalid = "probe/secret-invalid", Error,
        title: "Entra rejects the client secret (AADSTS7000215)",
        why: "The secret is wrong: often the Secret ID was copied instead of the Value, or the value was truncated.",
        fix: "Under Certificates & secrets, create a new client secret and paste its Value (shown once) into `clientSecret`.";
    ProbeSecretExpired = "probe/secret-expired", Error,
        title: "The client secret has expired (AADSTS7000222)",
        why: "Entra secrets expire: the portal offers 90, 180 (recommended), 365, 545 or 730 days, or a custom end date; every sign-in fails from that day on.",
        fix: "Under Certificates & secrets, create a new client secret, paste its Value into `clientSecret` in the Backoffice, and delete the expired one.";
    ProbeSecretMissing = "probe/secret-missing", Error,
        title: "Entra received no client secret (AADSTS7000218)",
        why: "The secret reached Entra empty.",
        fix: "Set `clientSecret` to the secret Value from Certificates & secrets.";
    ProbeAppDisabled = "probe/app-disabled", Error,
        title: "The application is disabled (AADSTS7000112)",
        why: "A disabled app cannot sign anyone in.",
        fix: "Ask a tenant administrator to enable the app (Enterprise applications > Properties > Enabled for users to sign in).";
    ProbeWrongCloud = "probe/wrong-cloud", Error,
        title: "The tenant belongs to another cloud (AADSTS900382, 900432, 90038)",
        why: "Tenants of national clouds (US Government, China) are served by their own login endpoints.",
        fix: "Pass the right `--cloud` (`public`, `usgov` or `china`).";
    ProbeResourceMissing = "probe/resource-missing", Warning,
        title: "No service principal of the connector's resource in the tenant (AADSTS500011)",
        why: "Credentials may be fine, but the tenant has never used the resource the probe asks for (Azure DevOps, Dynamics CRM), so no token for it can be issued there.",
        fix: "Check the tenant is the one that uses the resource: for Azure DevOps, the tenant your organization is connected to (Organization settings > Microsoft Entra); for Dynamics, a tenant with a Dataverse environment.";
    ProbeBlockedByPolicy = "probe/blocked-by-policy", Warning,
        title: "Conditional Access blocked the token (AADSTS53003)",
        why: "A policy stopped the request before the secret was judged: no verdict on the secret.",
        fix: "Run the probe from a network the policy allows, or ask an administrator about the Conditional Access policy.";
    ProbeThrottled = "probe/throttled", Warning,
        title: "Entra kept throttling the probe",
        why: "After the bounded retries Entra still answered 429 (or AADSTS90055/50196): no verdict.",
        fix: "Run the probe again later, or probe fewer records at once.";
    ProbeUnreachable = "probe/unreachable", Warning,
        title: "The Entra endpoint could not be reached",
        why: "DNS, connection, TLS or timeout failure: no verdict on the credentials.",
        fix: "Check network access to the login endpoint (proxy, firewall) and `--timeout`, then run the probe again.";
    ProbeUnexpectedResponse = "probe/unexpected-response", Warning,
        title: "Entra gave an answer the probe does not classify",
        why: "The answer was not a token and not a known error: no verdict.",
        fix: "Read Entra's code and description in the message; look the AADSTS code up in Microsoft's error reference.";
    RegistrationOk = "registration/ok", Info,
        title: "The app registration matches the connector's setup guide",
        why: "The registration was read, through Microsoft Graph with the probe's own credentials (`--probe`) or from `--app-registration FILE`, and its supported account types, the Web redirect URI, the delegated permission the connector needs, public client flows, Microsoft's disabled flag and the expiry of the record's secret are as the setup guide asks. A registration cannot show consent: each customer's tenant still consents at its first sign-in.",
        fix: "Nothing to do.";
    RegistrationNotMultitenant = "registration/not-multitenant", Error,
        title: "The app's supported account types do not allow the accounts the connector signs in",
        why: "`signInAudience` decides whose accounts may sign in. The connectors sign in users of any organization (through `organizations` or `common`), which a single-tenant app refuses with AADSTS50194, and a personal-accounts-only app refuses work accounts. Where the account type only narrows who can connect (work accounts only, or a single tenant with the Microsoft connector's `microsoftTenant` on) the finding is an info or a warning instead of an error.",
        fix: "In Microsoft Entra ID > App registrations > your app > Authentication, set Supported account types to \"Accounts in any organizational directory\" (the Microsoft connector: \"Accounts in any organizational directory and personal Microsoft accounts\"), or set `signInAudience` in the Manifest.";
    RegistrationRedirectUriNotRegistered = "registration/redirect-uri-not-registered", Error,
        title: "The connector's callback is not among the app's Web redirect URIs",
        why: "Entra sends the authorization code only to a redirect URI registered on the app, compared character for character (letter case of the path and a trailing slash included); for any other URI the sign-in fails with AADSTS50011.",
        fix: "In Microsoft Entra ID > App registrations > your app > Authentication > Web > Redirect URIs, add `<Appmixer API URL>/auth/<connector>/callback` exactly; the message names the nearest registered URI and how it differs.";
    RegistrationRedirectUriWrongPlatform = "registration/redirect-uri-wrong-platform", Error,
        title: "The callback is registered under Single-page application or Mobile and desktop, not Web",
        why: "Appmixer redeems the authorization code on its server with the client secret. Entra refuses that for a redirect URI of the Single-page application platform (AADSTS9002327) and for a public client's (AADSTS700025).",
        fix: "In Microsoft Entra ID > App registrations > your app > Authentication, remove the URI from its platform and add it under Web (Add a platform > Web).";
    RegistrationPermissionMissing = "registration/permission-missing", Warning,
        title: "The delegated permission the connector needs is not listed under API permissions",
        why: "A connector that signs in through the v1 endpoint (Dynamics 365) gets consent only for the permissions the app lists: without `user_impersonation` the first sign-in fails with AADSTS650057, so there the finding is an error. Through the v2.0 endpoint (Azure DevOps) the permission can still be asked for at sign-in, so there it is a warning: customer admins see it only then and cannot consent ahead of time.",
        fix: "In Microsoft Entra ID > App registrations > your app > API permissions, choose Add a permission > the connector's resource (Azure DevOps, Dynamics CRM) > Delegated permissions > user_impersonation, then Add permissions.";
    RegistrationSecretExpired = "registration/secret-expired", Error,
        title: "The client secret has passed its end date",
        why: "The record's secret, found among the app's client secrets by its hint (the first three characters Entra keeps of each, never shown), has expired: every token request fails (AADSTS7000222), so every sign-in and every connected account stops working.",
        fix: "In Microsoft Entra ID > App registrations > your app > Certificates & secrets, create a new client secret, paste its Value into `clientSecret` in the Appmixer Backoffice, and delete the expired one.";
    RegistrationSecretExpiring = "registration/secret-expiring", Warning,
        title: "The client secret expires within the warning window",
        why: "On the day the secret expires every connected account stops working at once. The window is `--expiry-warning DAYS` (default 30); the message gives the date, the days left, and the secret's description and Secret ID.",
        fix: "Before that day, create a new client secret under Certificates & secrets, paste its Value into `clientSecret` in the Appmixer Backoffice, and delete the old one once nothing uses it.";
    RegistrationSecretNotFound = "registration/secret-not-found", Warning,
        title: "None of the app's client secrets is the record's secret",
        why: "No client secret of the app starts with the characters the record's secret starts with (Entra keeps the first three of each as its hint): the secret belongs to another app registration or was deleted, and token requests with it fail (AADSTS7000215).",
        fix: "Check that `clientId` is the Application (client) ID of the app the secret was created on; otherwise create a new client secret under Certificates & secrets and paste its Value.";
    RegistrationPublicClient = "registration/public-client", Warning,
        title: "\"Allow public client flows\" is on",
        why: "`isFallbackPublicClient` makes Entra treat the app as a public client wherever it cannot tell the client type; a public client cannot keep a secret, and the secret Appmixer sends may be refused (AADSTS700025). The connectors need a confidential (Web) client.",
        fix: "In Microsoft Entra ID > App registrations > your app > Authentication > Advanced settings, set \"Allow public client flows\" to No.";
    RegistrationDisabled = "registration/disabled", Error,
        title: "Microsoft disabled the app registration",
        why: "`disabledByMicrosoftStatus` is set when Microsoft disables an app (for a violation of its Services Agreement, or suspicious activity): nobody can sign in through it.",
        fix: "Read the notice on the app's Overview page and contact Microsoft support; if the app cannot be restored, register a new one and configure the connector with it.";
    RegistrationUnreadable = "registration/unreadable", Warning,
        title: "The app registration could not be read: no verdict",
        why: "Graph refused or did not find the application object (an app reads its own registration only in its home tenant, and a tenant may require a permission for it), throttled or failed, or its answer left out what a check needs; or the app is not in `--app-registration FILE`. Nothing about the registration is then claimed either way, and the run exits with status 3 when there is no error.",
        fix: "Probe the app's home tenant (`--tenant <Directory (tenant) ID>`; the message names it when Graph did), or check the registration offline: `az ad app show --id <clientId> > app.json`, then `--app-registration app.json`.";
    SuppressionUnused = "suppression/unused", Warning,
        title: "An inline suppression that suppresses nothing",
        why: "A `# connector-lint: ignore[CODE]` comment that no longer matches a finding on its line (the problem was fixed, the code was misspelled, or the comment moved) would silently hide the next finding of that code there; stale suppressions pile up and nobody knows which still matter.",
        fix: "Remove the code from the comment, or the whole comment when it names nothing else. The comment belongs at the end of the line where the finding starts, or alone on the line above it.";
    EnvNotChecked = "env/not-checked", Info,
        title: "A `${NAME}` reference whose variable is not set, under `--allow-unset-env`",
        why: "Where secrets are not available (a pull request from a fork, a local hook), `--allow-unset-env` (or `allow-unset-env = true`) turns an unset variable into this note instead of `env/undefined`: the value was not checked, and neither were the rules about it. It never passes a value that was checked.",
        fix: "Nothing to do in such a run; the run that deploys must have the variable set (and checks it).";
    BackofficeNotConfigured = "backoffice/not-configured", Error,
        title: "The connector has no configuration in the live Backoffice",
        why: "`check --live` was asked about this connector, and the Appmixer API at `--api-url` holds no record of it (404, or an empty record): the connector has no client id or secret, so no user can connect an account.",
        fix: "Configure the connector in the Backoffice (Services: the connector's `clientId` and `clientSecret`), or push a checked file with `connector-lint apply FILE --api-url URL` (try `--dry-run` first); check the service id and `--api-url` if it should be there.";
}

/// The codes `check --fix` can fix, and when: only where the value has one right answer and is
/// written literally in the file (a value from `${NAME}` is fixed where the variable is set).
pub static FIXES: &[(Code, &str)] = &[
    (
        Code::ServiceIdMisspelled,
        "writes the connector's service id exactly",
    ),
    (
        Code::KeyMisspelled,
        "renames the key, when it means exactly one key and the record does not have that key yet (and no other key is a misspelling of it)",
    ),
    (
        Code::ValueSurroundingWhitespace,
        "removes the whitespace around the value (not in a block scalar, `|` or `>`, which it leaves as written)",
    ),
    (
        Code::ValueSurroundingQuotes,
        "removes the pair of quotes inside the value, keeping the quoting style of the file",
    ),
    (Code::RedirectUriInvalidUrl, WITH_API_URL),
    (Code::RedirectUriInsecureScheme, WITH_API_URL),
    (
        Code::RedirectUriWrongPath,
        "writes the callback path when only its letter case differs; with `--api-url`, writes the redirect URI derived from it",
    ),
    (
        Code::RedirectUriTrailingSlash,
        "removes the trailing slash; with `--api-url`, writes the redirect URI derived from it",
    ),
    (Code::RedirectUriHasQuery, WITH_API_URL),
    (Code::RedirectUriHasFragment, WITH_API_URL),
    (Code::RedirectUriForbiddenCharacter, WITH_API_URL),
    (Code::RedirectUriTooLong, WITH_API_URL),
    (Code::RedirectUriPlaceholderHost, WITH_API_URL),
    (Code::RedirectUriUnsupportedHost, WITH_API_URL),
    (
        Code::RedirectUriNotApiHost,
        "replaces the Studio (`my.`) or Backoffice (`backoffice.`) host with the API host (when nothing else about the URI is wrong); with `--api-url`, writes the redirect URI derived from it",
    ),
    (
        Code::RedirectUriMismatch,
        "with `--api-url`, writes the redirect URI derived from it; without, it cannot tell which of `redirectUri` and `callbackUrl` is right, and fixes neither",
    ),
];

/// What `--fix` does for a redirect URI that `--api-url` decides.
const WITH_API_URL: &str = "with `--api-url`, writes the redirect URI derived from it (the one right answer); without, none";

impl Rule {
    /// What `check --fix` does for findings of this code, if it can fix them.
    pub fn autofix(&self) -> Option<&'static str> {
        FIXES
            .iter()
            .find(|(code, _)| *code == self.code)
            .map(|(_, what)| *what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn table_is_indexed_by_code() {
        for (index, rule) in CATALOGUE.iter().enumerate() {
            assert_eq!(rule.code as usize, index, "{} is out of order", rule.id);
            assert_eq!(Code::from_id(rule.id), Some(rule.code));
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut seen = HashSet::new();
        for rule in CATALOGUE {
            assert!(seen.insert(rule.id), "duplicate code {}", rule.id);
        }
    }
}
