using Bulwark.Engine;
using Bulwark.Findings;
using Bulwark.Loading;
using Xunit;

namespace Bulwark.Tests.Engine;

public sealed class TypeErrorTests
{
    [Theory]
    [InlineData("runAsUser: \"1000\"", 9, 20, "/spec/containers/0/securityContext/runAsUser: wrong type, expected an integer")]
    [InlineData("privileged: maybe", 9, 21, "/spec/containers/0/securityContext/privileged: wrong type, expected true or false")]
    [InlineData("capabilities: {drop: ALL}", 9, 30, "/spec/containers/0/securityContext/capabilities/drop: wrong type, expected a list")]
    public void Should_Report_A_Field_Of_The_Wrong_Type_With_Its_Line_And_Keep_Scanning_Other_Objects(string field, int line, int column, string expected)
    {
        // Given: a pod with a wrongly typed field, and a privileged pod beside it
        var text = $"apiVersion: v1\nkind: Pod\nmetadata: {{name: typo, namespace: x}}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.0\n      securityContext:\n        {field}\n" +
                   "---\napiVersion: v1\nkind: Pod\nmetadata: {name: other, namespace: x}\nspec:\n  containers:\n    - name: c\n      image: nginx:1.0\n      securityContext: {privileged: true}\n";

        // When
        var result = new Scanner().Scan(new ManifestLoader().LoadText(text, "typed.yaml"));

        // Then
        var error = Assert.Single(result.Errors);
        Assert.Equal(("schema", InputErrorLevel.Error, line, column), (error.Kind, error.Level, error.Line, error.Column));
        Assert.Contains(expected, error.Message);
        Assert.Contains(result.Findings, f => f.Rule == "privileged-container" && f.Object.Name == "other");
        Assert.DoesNotContain(result.Findings, f => f.Object.Name == "typo" && f.Rule == "privileged-container");
    }
}
