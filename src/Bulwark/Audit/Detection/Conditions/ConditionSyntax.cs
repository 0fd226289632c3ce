namespace Bulwark.Audit.Detection.Conditions;

/// <summary>A parsed condition (before macros and lists are resolved). Offsets index the condition's text.</summary>
internal abstract record ConditionNode(int Offset);

internal sealed record AndNode(int Offset, IReadOnlyList<ConditionNode> Items) : ConditionNode(Offset);

internal sealed record OrNode(int Offset, IReadOnlyList<ConditionNode> Items) : ConditionNode(Offset);

internal sealed record NotNode(int Offset, ConditionNode Item) : ConditionNode(Offset);

/// <summary>A macro's name used as a condition.</summary>
internal sealed record MacroNode(int Offset, string Name) : ConditionNode(Offset);

/// <summary>A value of a comparison: a bare word (which, inside parentheses, may name a list) or a quoted string.</summary>
internal sealed record ValueToken(int Offset, string Text, bool Quoted);

/// <summary><c>field op value</c>, <c>field in (values)</c> or <c>field exists</c>.</summary>
internal sealed record CompareNode(int Offset, string Field, string? Argument, int OperatorOffset, string Operator, IReadOnlyList<ValueToken> Values, bool ValueList)
    : ConditionNode(Offset);

/// <summary>An error in a condition, at an offset of its text.</summary>
internal sealed class ConditionSyntaxException(int offset, string message) : Exception(message)
{
    public int Offset { get; } = offset;
}
