using Bulwark.Secrets;
using Xunit;

namespace Bulwark.Tests.Secrets;

public sealed class SecretDetectorTests
{
    private const string Jwt =
        "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiY2ktYm90IiwgImlhdCI6IDE3MDAwMDAwMDB9.ZmFrZS1zaWduYXR1cmUtZm9yLXRlc3RzLW9ubHktMDEyMw";

    [Theory]
    [InlineData("DB_PASSWORD")]
    [InlineData("dbPassword")]
    [InlineData("db-passwd")]
    [InlineData("PGPASSWORD")]
    [InlineData("MYSQL_ROOT_PWD")]
    [InlineData("client_secret")]
    [InlineData("clientSecret")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("authToken")]
    [InlineData("apikey")]
    [InlineData("API_KEY")]
    [InlineData("x-api-key")]
    [InlineData("APIKey")]
    [InlineData("aws_secret_access_key")]
    [InlineData("ACCESS_KEY")]
    [InlineData("private_key")]
    [InlineData("privateKey")]
    [InlineData("credentials")]
    [InlineData("spring.datasource.password")]
    public void Should_Flag_Secret_Like_Names(string name)
    {
        Assert.True(SecretDetector.IsSensitiveName(name), name);
    }

    [Theory]
    [InlineData("token_ttl")]
    [InlineData("TOKEN_TTL")]
    [InlineData("password_min_length")]
    [InlineData("MIN_PASSWORD_LENGTH")]
    [InlineData("secretName")]
    [InlineData("SECRET_NAME")]
    [InlineData("secretKeyRef")]
    [InlineData("DB_PASSWORD_FILE")]
    [InlineData("API_KEY_PATH")]
    [InlineData("AWS_ACCESS_KEY_ID")]
    [InlineData("token_url")]
    [InlineData("passwordPolicy")]
    [InlineData("LOG_LEVEL")]
    [InlineData("tokenizer")]
    [InlineData("passthrough")]
    [InlineData("keyboard")]
    public void Should_Not_Flag_Names_About_Secrets_Or_Unrelated(string name)
    {
        Assert.False(SecretDetector.IsSensitiveName(name), name);
    }

    [Theory]
    [InlineData("example.com/db-password", true)]
    [InlineData("example.com/apiToken", true)]
    [InlineData("vault.hashicorp.com/agent-inject-secret-db", false)]
    [InlineData("secret.reloader.stakater.com/reload", false)]
    [InlineData("cert-manager.io/secret-name", false)]
    public void Should_Read_Annotation_Names_By_Their_Last_Word(string name, bool expected)
    {
        Assert.Equal(expected, SecretDetector.IsSensitiveName(name, KeyNameMode.Suffix));
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "AWS access key id")]
    [InlineData("id=ASIAIOSFODNN7EXAMPLE;", "AWS access key id")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz0123456789", "GitHub token")]
    [InlineData("gho_abcdefghijklmnopqrstuvwxyz0123456789", "GitHub token")]
    [InlineData("ghs_abcdefghijklmnopqrstuvwxyz0123456789", "GitHub token")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123", "GitHub token")]
    [InlineData("xoxb-1234567890-abcdefghijkl", "Slack token")]
    [InlineData("xoxp-1234567890-abcdefghijkl", "Slack token")]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "private key")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----", "private key")]
    [InlineData("-----BEGIN EC PRIVATE KEY-----", "private key")]
    [InlineData(Jwt, "JSON Web Token")]
    [InlineData("Authorization: Bearer " + Jwt, "JSON Web Token")]
    [InlineData("AIzaSyA-fake0123456789abcdefghijklmnopq", "Google API key")]
    [InlineData("sk_live_4eC39HqLyjWDarjtT1zdp7dcFAKE", "Stripe live key")]
    [InlineData("https://user:hunter22@example.com/path", "URL with an embedded password")]
    [InlineData("amqp://guest:guest@rabbit:5672", "URL with an embedded password")]
    public void Should_Recognise_Credential_Shapes(string value, string kind)
    {
        var match = SecretDetector.FindShape(value);
        Assert.NotNull(match);
        Assert.Contains(kind, match.Kind, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AKIAIOSFODNN7EXAMPL")] // 15 characters after AKIA
    [InlineData("akiaiosfodnn7example")]
    [InlineData("ghp_short")]
    [InlineData("sk_test_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("-----BEGIN CERTIFICATE-----")]
    [InlineData("-----BEGIN PUBLIC KEY-----")]
    [InlineData("api.shop.example.com")]
    [InlineData("eyJ0eXAiOiAibm90aGluZyJ9.abcdefghijkl.abcdefghijkl")] // header without "alg"
    [InlineData("cluster.local.svc.example.internal")]
    [InlineData("https://user@example.com/path")]
    [InlineData("postgres://shop:${DB_PASSWORD}@db:5432/shop")]
    [InlineData("postgres://shop:$(DB_PASSWORD)@db:5432/shop")]
    [InlineData("")]
    public void Should_Not_Recognise_Look_Alikes(string value)
    {
        Assert.Null(SecretDetector.FindShape(value));
    }

    [Fact]
    public void Should_Require_An_Aws_Key_Name_For_An_Aws_Secret_Key()
    {
        const string value = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        Assert.Equal("an AWS secret access key", SecretDetector.Inspect("AWS_SECRET_ACCESS_KEY", value)?.Kind);
        Assert.Null(SecretDetector.Inspect("CHECKSUM", value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("${DB_PASSWORD}")]
    [InlineData("$(DB_PASSWORD)")]
    [InlineData("{{ .Values.password }}")]
    [InlineData("<your-password>")]
    [InlineData("/run/secrets/db")]
    [InlineData("./secrets/db")]
    [InlineData("true")]
    [InlineData("********")]
    [InlineData("ENC[AES256_GCM,data:abc]")]
    [InlineData("vault:secret/data/db#password")]
    public void Should_Not_Flag_Placeholders_Under_Secret_Names(string value)
    {
        Assert.Null(SecretDetector.Inspect("DB_PASSWORD", value));
    }

    [Fact]
    public void Should_Flag_A_Literal_Under_A_Secret_Name()
    {
        Assert.NotNull(SecretDetector.Inspect("DB_PASSWORD", "Tr0ub4dor&3"));
        Assert.Null(SecretDetector.Inspect("LOG_LEVEL", "Tr0ub4dor&3"));
    }

    [Theory]
    [InlineData("db.host=pg\ndb.password=Tr0ub4dor&3\n")]
    [InlineData("{\n  \"password\": \"Tr0ub4dor&3\",\n  \"user\": \"shop\"\n}")]
    [InlineData("database:\n  password: Tr0ub4dor&3\n")]
    [InlineData("export API_TOKEN=abc123def456\n")]
    [InlineData("[default]\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")]
    [InlineData("upstream:\n  url: https://svc:hunter22@upstream.example.com\n")]
    public void Should_Find_Secrets_In_Config_File_Lines(string text)
    {
        Assert.NotNull(SecretDetector.InspectText(text));
    }

    [Theory]
    [InlineData("db.host=pg\ndb.password=${DB_PASSWORD}\n")]
    [InlineData("# password=Tr0ub4dor&3\nlog.level=debug\n")]
    [InlineData("database:\n  password:\n    secretKeyRef: db\n")]
    [InlineData("token_ttl: 3600\npassword_min_length: 12\n")]
    [InlineData("server {\n  listen 8080;\n}\n")]
    public void Should_Not_Find_Secrets_In_Harmless_Config_Files(string text)
    {
        Assert.Null(SecretDetector.InspectText(text));
    }

    [Fact]
    public void Should_Never_Describe_A_Match_With_More_Than_A_Four_Character_Prefix()
    {
        foreach (var value in new[] { "AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", Jwt, "sk_live_4eC39HqLyjWDarjtT1zdp7dcFAKE", "https://user:hunter22@example.com" })
        {
            var description = SecretDetector.FindShape(value)!.Describe();
            Assert.DoesNotContain(value[..5], description, StringComparison.Ordinal);
        }
    }
}
