//! Texts printed by `explain` and `init`, drawn from the rule catalogue.

use crate::catalogue::{CATALOGUE, Rule};

/// The full explanation of one rule.
pub fn explain(rule: &Rule) -> String {
    format!(
        "{id} ({severity}): {title}\n\nWhy it matters:\n  {why}\n\nHow to fix it:\n  {fix}\n\nMore: {uri}\n",
        id = rule.id,
        severity = rule.severity.as_str(),
        title = rule.title,
        why = rule.why,
        fix = rule.fix,
        uri = rule.help_uri(),
    )
}

/// One line per code.
pub fn list() -> String {
    let width = CATALOGUE
        .iter()
        .map(|rule| rule.id.len())
        .max()
        .unwrap_or(0);
    CATALOGUE
        .iter()
        .map(|rule| {
            format!(
                "{id:<width$}  {severity:<7}  {title}\n",
                id = rule.id,
                severity = rule.severity.as_str(),
                title = rule.title
            )
        })
        .collect()
}

/// The codes closest to an unknown one, for "did you mean".
pub fn closest_codes(code: &str) -> Vec<&'static str> {
    let mut scored: Vec<(f64, &'static str)> = CATALOGUE
        .iter()
        .map(|rule| (strsim::jaro_winkler(code, rule.id), rule.id))
        .filter(|(score, _)| *score > 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

/// The starter configuration printed by `init`.
pub const STARTER_CONFIG: &str = r#"# yaml-language-server: $schema=https://raw.githubusercontent.com/appmixer-connectors/connector-lint/main/schemas/appmixer.azuredevops.schema.json
#
# Appmixer Backoffice configuration of the Azure DevOps connector.
# Check it with:  connector-lint check azdo.yaml --api-url https://api.<your-tenant>.appmixer.cloud
#
# 1. In Microsoft Entra ID > App registrations > New registration, add the Web redirect URI
#    https://api.<your-tenant>.appmixer.cloud/auth/azuredevops/callback
# 2. Under API permissions, add Azure DevOps > user_impersonation (delegated).
# 3. Under Certificates & secrets, create a client secret and copy its Value (not the Secret ID);
#    it is shown only once.

serviceId: appmixer:azuredevops

# Application (client) ID, from the app registration's Overview page.
clientId: 00000000-0000-0000-0000-000000000000

# The secret Value, read from the environment so it never lands in version control:
#   export AZDO_CLIENT_SECRET='...'
clientSecret: ${AZDO_CLIENT_SECRET}

# The Web redirect URI registered on the app: <Appmixer API URL>/auth/azuredevops/callback
redirectUri: https://api.YOUR_SUBDOMAIN.appmixer.cloud/auth/azuredevops/callback

# Directory (tenant) ID, from the Overview page; only used by `connector-lint check --probe`.
# tenantId: 00000000-0000-0000-0000-000000000000
"#;
