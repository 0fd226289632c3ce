namespace Bulwark.Config;

/// <summary>An invalid configuration file: the message already names the file and line.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string message)
        : base(message)
    {
    }
}
