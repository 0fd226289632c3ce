using System.Text;
using Bulwark.Model;
using Bulwark.Network.Model;
using k8s.Models;

namespace Bulwark.Network.Generation;

/// <summary>A workload found to use a Service: the Service ports it uses (null: every port) and where the mention is.</summary>
public sealed record ServiceUse(Workload Client, NetworkService Service, IReadOnlyList<ServicePortSpec>? Ports, string Evidence);

/// <summary>
/// Infers which workloads talk to which Services from the manifests: a workload is a client of a Service when its
/// configuration names the Service's DNS name. The texts read are, for every container and init container: command and
/// args items, env values, and the values of ConfigMaps and Secrets the pod references (env valueFrom
/// configMapKeyRef/secretKeyRef, envFrom, configMap/secret volumes and projected volumes, restricted to their items).
/// A Service <c>name</c> in namespace <c>ns</c> is recognised as <c>name.ns</c>, <c>name.ns.svc</c> or
/// <c>name.ns.svc.cluster.local</c> (any case, trailing dot allowed) anywhere as a whole host name; the bare <c>name</c>
/// only from a client in the same namespace (the DNS search path resolves it there only), and only where a host stands:
/// the whole value, before <c>:port</c>, after <c>scheme://</c>, <c>@</c> or <c>=</c>. A <c>:port</c> after the name
/// selects the Service port of that number; a URL without port selects port 80 for http/ws and 443 for https/wss when
/// the Service has it; otherwise every port of the Service is used. A Service's own backends are not its clients.
/// Secret values are read but never printed: the evidence only names the Secret and key.
/// </summary>
public sealed class ServiceClients
{
    private readonly NetworkModel _model;
    private readonly Inventory _inventory;
    private readonly ILookup<KubeObject, PodTemplate> _templates;

    public ServiceClients(NetworkModel model, Inventory inventory)
    {
        _model = model;
        _inventory = inventory;
        _templates = inventory.PodTemplates.ToLookup(t => t.Owner);
    }

    /// <summary>Warnings met (a mention of a port the Service does not have).</summary>
    public List<string> Warnings { get; } = new();

    /// <summary>Every use found, in workload then Service order; one entry per client and Service (ports united).</summary>
    public IReadOnlyList<ServiceUse> Find()
    {
        var services = _model.Services.Where(s => s.Selector is { Count: > 0 } && s.Ports.Count > 0 && !string.Equals(s.Type, "ExternalName", StringComparison.Ordinal))
            .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Name, StringComparer.Ordinal).ToList();

        // Every host name form of every Service, so that each text is scanned once.
        var qualified = new Dictionary<string, List<NetworkService>>(StringComparer.Ordinal);
        var bare = new Dictionary<(string Namespace, string Name), List<NetworkService>>();
        foreach (var service in services)
        {
            var name = service.Name.ToLowerInvariant();
            var ns = service.Namespace.ToLowerInvariant();
            foreach (var form in new[] { $"{name}.{ns}", $"{name}.{ns}.svc", $"{name}.{ns}.svc.cluster.local" })
            {
                Add(qualified, form, service);
            }

            Add(bare, (service.Namespace, name), service);
        }

        var uses = new List<ServiceUse>();
        foreach (var workload in _model.Workloads)
        {
            var found = new Dictionary<NetworkService, List<(IReadOnlyList<ServicePortSpec>? Ports, string Evidence)>>();
            foreach (var (text, where, secret) in Texts(workload))
            {
                foreach (var (service, mention, ports) in Mentions(text, workload.Namespace, qualified, bare))
                {
                    if (service.Selects(workload))
                    {
                        continue;
                    }

                    if (!found.TryGetValue(service, out var list))
                    {
                        found[service] = list = new();
                    }

                    list.Add((ports, secret ? where : $"{where} names {mention}"));
                }
            }

            foreach (var service in services.Where(found.ContainsKey))
            {
                var list = found[service];
                IReadOnlyList<ServicePortSpec>? united = list.Any(f => f.Ports is null)
                    ? null
                    : list.SelectMany(f => f.Ports!).Distinct().OrderBy(p => p.Port).ToList();
                uses.Add(new ServiceUse(workload, service, united, string.Join("; ", list.Select(f => f.Evidence).Distinct(StringComparer.Ordinal).Take(3))));
            }
        }

        return uses;
    }

    private static void Add<TKey>(Dictionary<TKey, List<NetworkService>> map, TKey key, NetworkService service)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = new List<NetworkService>();
        }

        list.Add(service);
    }

    /// <summary>The Services a text mentions, with the mention and the ports it selects (null: every port).</summary>
    private IEnumerable<(NetworkService Service, string Mention, IReadOnlyList<ServicePortSpec>? Ports)> Mentions(string text, string clientNamespace,
        Dictionary<string, List<NetworkService>> qualified, Dictionary<(string, string), List<NetworkService>> bare)
    {
        var trimmed = text.Trim().Trim('"', '\'');
        var i = 0;
        while (i < text.Length)
        {
            if (!IsHostChar(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && IsHostChar(text[i]))
            {
                i++;
            }

            var token = text[start..i].TrimEnd('.').ToLowerInvariant();
            if (!qualified.TryGetValue(token, out var matches) &&
                !(bare.TryGetValue((clientNamespace, token), out matches) && InHostPosition(text, start, i, trimmed)))
            {
                continue;
            }

            var port = PortAfter(text, i);
            var scheme = SchemeBefore(text, start);
            var mention = port is null ? text[start..i] : $"{text[start..i]}:{port}";
            foreach (var service in matches)
            {
                yield return (service, mention, Select(service, port, scheme, text[start..i]));
            }
        }
    }

    private IReadOnlyList<ServicePortSpec>? Select(NetworkService service, int? port, string? scheme, string mention)
    {
        if (port is { } p)
        {
            var matching = service.Ports.Where(s => s.Port == p).ToList();
            if (matching.Count > 0)
            {
                return matching;
            }

            Warnings.Add($"{mention}:{p} names Service {service.Namespace}/{service.Name}, which has no port {p}; every port of the Service is allowed");
            return null;
        }

        var implied = scheme switch
        {
            "http" or "ws" => 80,
            "https" or "wss" => 443,
            _ => 0,
        };
        var byScheme = service.Ports.Where(s => s.Port == implied).ToList();
        return byScheme.Count > 0 ? byScheme : null;
    }

    private static bool IsHostChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '-';

    /// <summary>Where a bare name is a host: the whole value, before :port, after scheme://, @ or =.</summary>
    private static bool InHostPosition(string text, int start, int end, string trimmed)
    {
        if (string.Equals(text[start..end].TrimEnd('.'), trimmed.TrimEnd('.'), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (end < text.Length && text[end] == ':' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]))
        {
            return true;
        }

        return start > 0 && (text[start - 1] is '@' or '=' || (start >= 3 && text[(start - 3)..start] == "://"));
    }

    private static int? PortAfter(string text, int end)
    {
        if (end >= text.Length || text[end] != ':')
        {
            return null;
        }

        var i = end + 1;
        var value = 0;
        while (i < text.Length && char.IsAsciiDigit(text[i]) && value <= 65535)
        {
            value = (value * 10) + (text[i] - '0');
            i++;
        }

        return i > end + 1 && value is >= 1 and <= 65535 && (i == text.Length || !char.IsAsciiLetter(text[i])) ? value : null;
    }

    private static string? SchemeBefore(string text, int start)
    {
        if (start < 3 || text[(start - 3)..start] != "://")
        {
            return null;
        }

        var i = start - 3;
        var j = i;
        while (j > 0 && (char.IsAsciiLetterOrDigit(text[j - 1]) || text[j - 1] is '+' or '-' or '.'))
        {
            j--;
        }

        return text[j..i].ToLowerInvariant();
    }

    /// <summary>The texts of a workload's configuration: (text, where, from a Secret).</summary>
    private IEnumerable<(string Text, string Where, bool Secret)> Texts(Workload workload)
    {
        if (_templates[workload.Source].FirstOrDefault() is not { } template)
        {
            yield break;
        }

        var ns = workload.Namespace;
        var spec = template.Spec;
        var containers = (spec.InitContainers ?? []).Concat(spec.Containers ?? []);
        foreach (var c in containers)
        {
            foreach (var (item, index) in (c.Command ?? []).Select((x, n) => (x, n)))
            {
                yield return (item ?? string.Empty, $"command[{index}] of container {c.Name}", false);
            }

            foreach (var (item, index) in (c.Args ?? []).Select((x, n) => (x, n)))
            {
                yield return (item ?? string.Empty, $"args[{index}] of container {c.Name}", false);
            }

            foreach (var env in c.Env ?? [])
            {
                if (env.Value is { } value)
                {
                    yield return (value, $"env {env.Name} of container {c.Name}", false);
                }
                else if (env.ValueFrom?.ConfigMapKeyRef is { } cmRef && Data("ConfigMap", ns, cmRef.Name).TryGetValue(cmRef.Key ?? string.Empty, out var cmValue))
                {
                    yield return (cmValue, $"ConfigMap {cmRef.Name} key {cmRef.Key} (env {env.Name} of container {c.Name})", false);
                }
                else if (env.ValueFrom?.SecretKeyRef is { } sRef && Data("Secret", ns, sRef.Name).TryGetValue(sRef.Key ?? string.Empty, out var sValue))
                {
                    yield return (sValue, $"Secret {sRef.Name} key {sRef.Key} (env {env.Name} of container {c.Name})", true);
                }
            }

            foreach (var from in c.EnvFrom ?? [])
            {
                if (from.ConfigMapRef?.Name is { } cm)
                {
                    foreach (var (key, value) in Data("ConfigMap", ns, cm))
                    {
                        yield return (value, $"ConfigMap {cm} key {key} (envFrom of container {c.Name})", false);
                    }
                }

                if (from.SecretRef?.Name is { } secret)
                {
                    foreach (var (key, value) in Data("Secret", ns, secret))
                    {
                        yield return (value, $"Secret {secret} key {key} (envFrom of container {c.Name})", true);
                    }
                }
            }
        }

        foreach (var volume in spec.Volumes ?? [])
        {
            foreach (var text in VolumeTexts(ns, volume))
            {
                yield return text;
            }
        }
    }

    private IEnumerable<(string Text, string Where, bool Secret)> VolumeTexts(string ns, V1Volume volume)
    {
        var sources = new List<(string Kind, string? Name, IList<V1KeyToPath>? Items)>();
        if (volume.ConfigMap is { } cm)
        {
            sources.Add(("ConfigMap", cm.Name, cm.Items));
        }

        if (volume.Secret is { } secret)
        {
            sources.Add(("Secret", secret.SecretName, secret.Items));
        }

        foreach (var projection in volume.Projected?.Sources ?? [])
        {
            if (projection.ConfigMap is { } pcm)
            {
                sources.Add(("ConfigMap", pcm.Name, pcm.Items));
            }

            if (projection.Secret is { } ps)
            {
                sources.Add(("Secret", ps.Name, ps.Items));
            }
        }

        foreach (var (kind, name, items) in sources)
        {
            if (name is null)
            {
                continue;
            }

            var keys = items is { Count: > 0 } ? items.Select(i => i.Key).ToHashSet(StringComparer.Ordinal) : null;
            foreach (var (key, value) in Data(kind, ns, name))
            {
                if (keys is null || keys.Contains(key))
                {
                    yield return (value, $"{kind} {name} key {key} (volume {volume.Name})", kind == "Secret");
                }
            }
        }
    }

    /// <summary>The string data of a ConfigMap (data) or Secret (stringData, and data decoded from base64 when it is UTF-8 text).</summary>
    private Dictionary<string, string> Data(string kind, string ns, string? name)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (name is null)
        {
            return result;
        }

        var obj = _inventory.Find(kind, ns, name) ?? (ns == "default" ? _inventory.Find(kind, null, name) : null);
        if (obj is null || obj.Group.Length != 0)
        {
            return result;
        }

        foreach (var entry in obj.Root.GetMapping("data")?.Entries ?? [])
        {
            if (entry.Value is not ScalarNode { IsNull: false } scalar)
            {
                continue;
            }

            if (kind == "ConfigMap")
            {
                result[entry.Key.Value] = scalar.Value;
            }
            else if (Decode(scalar.Value) is { } decoded)
            {
                result[entry.Key.Value] = decoded;
            }
        }

        if (kind == "Secret")
        {
            foreach (var entry in obj.Root.GetMapping("stringData")?.Entries ?? [])
            {
                if (entry.Value is ScalarNode { IsNull: false } scalar)
                {
                    result[entry.Key.Value] = scalar.Value;
                }
            }
        }

        return result;
    }

    private static string? Decode(string base64)
    {
        var buffer = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64.Trim(), buffer, out var written))
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(buffer, 0, written);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
