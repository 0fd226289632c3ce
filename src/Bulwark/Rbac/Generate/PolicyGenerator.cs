using Bulwark.Audit;

namespace Bulwark.Rbac.Generate;

/// <summary>
/// Builds the least-privilege RBAC policy that allows what one subject did in an audit log (audit2rbac's job), with the
/// authorizer's semantics:
/// <list type="bullet">
/// <item>A request belongs to the user the authorizer evaluated: the impersonated user when there is one. The caller
/// of an impersonated request needs verb impersonate on the target (users, groups it asked for, or the
/// serviceaccount in its namespace), which is generated for the caller with a warning.</item>
/// <item>Each request counts once: events are grouped by auditID, whatever stages were logged (a watch or exec still
/// open when the log ends has no ResponseComplete event but was authorized); events without auditID count only at
/// ResponseComplete or Panic.</item>
/// <item>Denied requests are included by default: running a workload with too few permissions and collecting its
/// denials is how a policy is bootstrapped. Rules they contribute say so in a comment; --allowed-only drops them.
/// Requests that failed authentication (401) are never included.</item>
/// <item>Names: the authorizer sees no name on create (except on a subresource, which addresses an existing object)
/// and deletecollection, nor on list and watch without a metadata.name field selector, so those verbs are never
/// restricted by resourceNames. Other verbs keep the names used when every request carried one and there are at most
/// <see cref="GenerateOptions.MaxResourceNames"/> of them.</item>
/// <item>Namespaced requests become a Role and RoleBinding per namespace (a request on a Namespace object carries
/// that namespace, as upstream); cluster-scoped requests, all-namespaces list/watch and non-resource URLs become one
/// ClusterRole and ClusterRoleBinding. Namespaces are never widened to the cluster, names never to wildcards, and `*`
/// is never written.</item>
/// </list>
/// </summary>
public sealed class PolicyGenerator
{
    private static readonly string[] VerbOrder = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    private static readonly HashSet<string> DiscoveryPaths = new(StringComparer.Ordinal)
    {
        "/api", "/apis", "/healthz", "/livez", "/readyz", "/openapi", "/version", "/version/",
    };

    private static readonly string[] DiscoveryPrefixes = ["/api/", "/apis/", "/openapi/"];

    private readonly AuditSubject _subject;
    private readonly GenerateOptions _options;
    private readonly Dictionary<string, Request> _byAuditId = new(StringComparer.Ordinal);
    private readonly List<Request> _requests = new();
    private int _extraStages;
    private int _otherEvents;

    public PolicyGenerator(AuditSubject subject, GenerateOptions? options = null)
    {
        _subject = subject;
        _options = options ?? new GenerateOptions();
    }

    /// <summary>The name of the roles and bindings: the option, or bulwark:NAME (bulwark:NAMESPACE:NAME for a service account).</summary>
    public string RoleName => _options.Name is { Length: > 0 } name ? name
        : Sanitize("bulwark:" + (_subject.IsServiceAccount ? $"{_subject.Namespace}:{_subject.Name}" : _subject.Name));

    /// <summary>Takes one event into account (events of other identities are only counted).</summary>
    public void Add(AuditEvent e)
    {
        var asCaller = e.User.Username == _subject.Username;
        var asTarget = e.ImpersonatedUser is { } target && target.Username == _subject.Username;
        if (!asCaller && !asTarget)
        {
            _otherEvents++;
            return;
        }

        if (e.AuditId.Length > 0 && _byAuditId.TryGetValue(e.AuditId, out var seen))
        {
            _extraStages++;
            seen.Merge(e);
            return;
        }

        if (e.AuditId.Length == 0 && e.Stage is not ("ResponseComplete" or "Panic" or ""))
        {
            _extraStages++;
            return;
        }

        var request = new Request(e, (asCaller && e.ImpersonatedUser is null) || asTarget, asCaller && e.ImpersonatedUser is not null);
        _requests.Add(request);
        if (e.AuditId.Length > 0)
        {
            _byAuditId[e.AuditId] = request;
        }
    }

    public GeneratedPolicy Build()
    {
        var atoms = new Dictionary<Atom, Usage>();
        int allowed = 0, denied = 0, covered = 0, leftOut = 0;
        DateTimeOffset? from = null, to = null;
        foreach (var request in _requests)
        {
            var e = request.Event;
            if (e.Timestamp is { } t)
            {
                from = from is null || t < from ? t : from;
                to = to is null || t > to ? t : to;
            }

            var isDenied = request.Denied;
            if (isDenied)
            {
                denied++;
            }
            else if (request.Code != 401)
            {
                allowed++;
            }

            foreach (var atom in ImpersonationAtoms(request))
            {
                Use(atoms, atom, denied: false, e);
            }

            if (!request.AsSubject)
            {
                continue;
            }

            if (request.Code == 401 || (isDenied && _options.AllowedOnly) || RequestAtom(e) is not { } requested)
            {
                leftOut++;
                continue;
            }

            if (!_options.IncludeDefaultGrants && IsDefaultGrant(requested))
            {
                covered++;
                continue;
            }

            Use(atoms, requested, isDenied, e);
        }

        var skipped = new List<string>();
        var notes = new List<string>();
        var roles = new List<GeneratedRole>();
        var name = RoleName;
        foreach (var scope in atoms.Keys.Select(a => a.Namespace).Distinct().Order(StringComparer.Ordinal))
        {
            var inScope = atoms.Where(a => a.Key.Namespace == scope).ToList();
            if (scope.Length == 0 && _options.NamespaceScoped)
            {
                skipped.AddRange(inScope.Select(a => $"{a.Key.Describe()} ({a.Value.Count} request{(a.Value.Count == 1 ? string.Empty : "s")})").Order(StringComparer.Ordinal));
                continue;
            }

            var rules = Compact(inScope, scope, notes);
            roles.Add(new GeneratedRole(name, scope.Length == 0 ? null : scope, rules));
        }

        return new GeneratedPolicy
        {
            Subject = _subject,
            Roles = roles,
            Counts = new GenerateCounts
            {
                Requests = _requests.Count,
                Allowed = allowed,
                Denied = denied,
                CoveredByDefaultRoles = covered,
                LeftOut = leftOut,
                ExtraStages = _extraStages,
                OtherEvents = _otherEvents,
            },
            From = from,
            To = to,
            Skipped = skipped,
            Notes = notes,
        };
    }

    private static void Use(Dictionary<Atom, Usage> atoms, Atom atom, bool denied, AuditEvent e)
    {
        if (!atoms.TryGetValue(atom, out var usage))
        {
            atoms[atom] = usage = new Usage();
        }

        usage.Count++;
        usage.AllowedOnce |= !denied;
        usage.FirstSeen ??= $"{e.Source}:{e.Line}";
    }

    /// <summary>The authorization attributes of a request, or null when the event lacks a verb or a target.</summary>
    internal static Atom? RequestAtom(AuditEvent e)
    {
        if (e.Verb.Length == 0)
        {
            return null;
        }

        if (e.ObjectRef is { Resource.Length: > 0 } o)
        {
            var resource = o.Subresource.Length > 0 ? $"{o.Resource}/{o.Subresource}" : o.Resource;

            // The API server copies the body's name into objectRef on create, but the authorizer saw none.
            var name = (e.Verb == "create" && o.Subresource.Length == 0) || e.Verb == "deletecollection" ? string.Empty : o.Name;
            return new Atom(o.Namespace, o.ApiGroup, resource, name, string.Empty, e.Verb);
        }

        var path = e.RequestUri;
        var query = path.IndexOf('?');
        if (query >= 0)
        {
            path = path[..query];
        }

        return path.Length == 0 || e.ObjectRef is not null ? null : new Atom(string.Empty, string.Empty, string.Empty, string.Empty, path, e.Verb);
    }

    /// <summary>The impersonate permissions the caller of an impersonated request used (groups added implicitly are not checked upstream).</summary>
    private static IEnumerable<Atom> ImpersonationAtoms(Request request)
    {
        if (!request.AsImpersonator || request.Event.ImpersonatedUser is not { } target)
        {
            yield break;
        }

        string? saNamespace = null;
        if (target.Username.StartsWith(AuditSubject.ServiceAccountUserPrefix, StringComparison.Ordinal) &&
            target.Username[AuditSubject.ServiceAccountUserPrefix.Length..].Split(':') is [{ Length: > 0 } ns, { Length: > 0 } sa])
        {
            saNamespace = ns;
            yield return new Atom(ns, string.Empty, "serviceaccounts", sa, string.Empty, "impersonate");
        }
        else if (target.Username.Length > 0)
        {
            yield return new Atom(string.Empty, string.Empty, "users", target.Username, string.Empty, "impersonate");
        }

        foreach (var group in target.Groups.Distinct(StringComparer.Ordinal))
        {
            var implicitGroup = group == "system:authenticated" ||
                (saNamespace is not null && (group == "system:serviceaccounts" || group == "system:serviceaccounts:" + saNamespace));
            if (!implicitGroup)
            {
                yield return new Atom(string.Empty, string.Empty, "groups", group, string.Empty, "impersonate");
            }
        }
    }

    /// <summary>What system:discovery, system:public-info-viewer and system:basic-user grant every authenticated user.</summary>
    private static bool IsDefaultGrant(Atom a) => a.Path.Length > 0
        ? a.Verb == "get" && (DiscoveryPaths.Contains(a.Path) || DiscoveryPrefixes.Any(p => a.Path.StartsWith(p, StringComparison.Ordinal)))
        : a.Verb == "create" && a.Namespace.Length == 0 && a.Name.Length == 0 &&
          ((a.Group == "authorization.k8s.io" && a.Resource is "selfsubjectaccessreviews" or "selfsubjectrulesreviews") ||
           (a.Group == "authentication.k8s.io" && a.Resource == "selfsubjectreviews"));

    /// <summary>Turns the atoms of one scope into rules: verbs per resource with their names, then merged where exact.</summary>
    private List<GeneratedRule> Compact(List<KeyValuePair<Atom, Usage>> atoms, string scope, List<string> notes)
    {
        var draft = new List<Draft>();

        // Non-resource URLs: one rule per set of verbs.
        var byPath = atoms.Where(a => a.Key.Path.Length > 0).GroupBy(a => a.Key.Path, StringComparer.Ordinal);
        foreach (var group in byPath.GroupBy(p => VerbKey(p.Select(a => a.Key.Verb))))
        {
            var items = group.SelectMany(g => g).ToList();
            draft.Add(new Draft([], [], [], group.Select(g => g.Key).ToList(), SortVerbs(items.Select(a => a.Key.Verb)), items));
        }

        // Resources: per (group, resource), the names of each verb; verbs with the same names share a rule.
        foreach (var resource in atoms.Where(a => a.Key.Path.Length == 0).GroupBy(a => (a.Key.Group, a.Key.Resource)))
        {
            var perVerb = new List<(string Verb, List<string> Names, List<KeyValuePair<Atom, Usage>> Items)>();
            foreach (var verb in resource.GroupBy(a => a.Key.Verb, StringComparer.Ordinal))
            {
                var names = verb.Select(a => a.Key.Name).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                if (names.Contains(string.Empty))
                {
                    names = [];
                }
                else if (names.Count > _options.MaxResourceNames)
                {
                    notes.Add($"{verb.Key} {Describe(resource.Key.Group, resource.Key.Resource)}{In(scope)}: {names.Count} names used, more than {_options.MaxResourceNames} (--max-names): granted on every name");
                    names = [];
                }

                perVerb.Add((verb.Key, names, verb.ToList()));
            }

            // Unrestricted verbs share one rule. Named verbs are grouped either by their set of names or, when that
            // gives more rules, names by their set of verbs (what the subject does with each object): both grant exactly the (verb, name) pairs used.
            var any = perVerb.Where(v => v.Names.Count == 0).ToList();
            if (any.Count > 0)
            {
                draft.Add(new Draft([resource.Key.Group], [resource.Key.Resource], [], [], SortVerbs(any.Select(v => v.Verb)), any.SelectMany(v => v.Items).ToList()));
            }

            var named = perVerb.Where(v => v.Names.Count > 0).ToList();
            var byNames = named.GroupBy(v => Key(v.Names)).ToList();
            var byVerbs = named.SelectMany(v => v.Names.Select(n => (Name: n, v.Verb)))
                .GroupBy(p => p.Name, StringComparer.Ordinal)
                .GroupBy(g => VerbKey(g.Select(p => p.Verb)))
                .ToList();
            if (byVerbs.Count <= byNames.Count)
            {
                foreach (var same in byVerbs)
                {
                    var verbs = SortVerbs(same.First().Select(p => p.Verb));
                    var names = same.Select(g => g.Key).Order(StringComparer.Ordinal).ToList();
                    var items = named.Where(v => verbs.Contains(v.Verb)).SelectMany(v => v.Items).Where(i => names.Contains(i.Key.Name)).ToList();
                    draft.Add(new Draft([resource.Key.Group], [resource.Key.Resource], names, [], verbs, items));
                }
            }
            else
            {
                foreach (var same in byNames)
                {
                    var items = same.SelectMany(v => v.Items).ToList();
                    draft.Add(new Draft([resource.Key.Group], [resource.Key.Resource], same.First().Names, [], SortVerbs(same.Select(v => v.Verb)), items));
                }
            }
        }

        // Merge resources of one API group with the same verbs and names, then API groups with the same resources:
        // both are exact (a rule grants the product of its lists).
        var merged = draft.Where(d => d.Urls.Count > 0).ToList();
        foreach (var g in draft.Where(d => d.Urls.Count == 0).GroupBy(d => (d.Groups[0], Key(d.Verbs), Key(d.Names))))
        {
            var first = g.First();
            merged.Add(first with { Resources = g.SelectMany(d => d.Resources).Order(StringComparer.Ordinal).ToList(), Items = g.SelectMany(d => d.Items).ToList() });
        }

        var rules = new List<Draft>(merged.Where(d => d.Urls.Count > 0));
        foreach (var g in merged.Where(d => d.Urls.Count == 0).GroupBy(d => (Key(d.Resources), Key(d.Verbs), Key(d.Names))))
        {
            var first = g.First();
            rules.Add(first with { Groups = g.Select(d => d.Groups[0]).Order(StringComparer.Ordinal).ToList(), Items = g.SelectMany(d => d.Items).ToList() });
        }

        return rules
            .Select(d => new GeneratedRule(d.Groups, d.Resources, d.Names, d.Urls.Order(StringComparer.Ordinal).ToList(), d.Verbs, Warnings(d, scope), Denied(d)))
            .OrderBy(r => r.NonResourceUrls.Count > 0 ? 1 : 0)
            .ThenBy(r => Key(r.ApiGroups), StringComparer.Ordinal)
            .ThenBy(r => Key(r.Resources), StringComparer.Ordinal)
            .ThenBy(r => Key(r.NonResourceUrls), StringComparer.Ordinal)
            .ThenBy(r => Key(r.Verbs), StringComparer.Ordinal)
            .ThenBy(r => Key(r.ResourceNames), StringComparer.Ordinal)
            .ToList();
    }

    private static List<string> Denied(Draft d) => d.Items
        .Where(i => !i.Value.AllowedOnce)
        .Select(i => $"{i.Key.Describe()} (first at {i.Value.FirstSeen})")
        .Distinct(StringComparer.Ordinal)
        .Order(StringComparer.Ordinal)
        .ToList();

    private static List<string> Warnings(Draft d, string scope)
    {
        var warnings = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (atom, _) in d.Items)
        {
            var (group, resource, verb) = (atom.Group, atom.Resource, atom.Verb);
            if (verb == "impersonate")
            {
                warnings.Add("impersonate lets the subject act as another identity (rbac-impersonate reports it); the audit log shows it impersonating, review before applying");
            }
            else if (group == "rbac.authorization.k8s.io" && resource is "roles" or "clusterroles" or "rolebindings" or "clusterrolebindings" && verb is "create" or "update" or "patch")
            {
                warnings.Add("writes RBAC objects: the API server also requires the subject to hold every permission it grants, or bind/escalate, which are never generated");
            }
            else if (group.Length == 0 && resource == "secrets" && scope.Length == 0 && verb is "get" or "list" or "watch" && atom.Name.Length == 0)
            {
                warnings.Add("reads secrets in every namespace (rbac-secrets-read-cluster reports it): prefer namespaced access to named secrets");
            }
            else if (group.Length == 0 && resource is "pods/exec" or "pods/attach" or "pods/portforward" or "nodes/proxy")
            {
                warnings.Add($"{resource} gives interactive access to containers");
            }
            else if (group.Length == 0 && resource == "serviceaccounts/token" && verb == "create")
            {
                warnings.Add("serviceaccounts/token mints tokens of service accounts");
            }
            else if (group == "certificates.k8s.io" && resource == "certificatesigningrequests/approval")
            {
                warnings.Add("certificatesigningrequests/approval approves certificates (with the signer's approve permission)");
            }
        }

        return warnings.ToList();
    }

    private static string Key(IEnumerable<string> items) => string.Join("\n", items);

    private static string VerbKey(IEnumerable<string> verbs) => Key(SortVerbs(verbs));

    private static List<string> SortVerbs(IEnumerable<string> verbs) => verbs
        .Distinct(StringComparer.Ordinal)
        .OrderBy(v => Array.IndexOf(VerbOrder, v) is var i && i >= 0 ? i : VerbOrder.Length)
        .ThenBy(v => v, StringComparer.Ordinal)
        .ToList();

    private static string Describe(string group, string resource) => group.Length == 0 ? resource : $"{resource}.{group}";

    private static string In(string scope) => scope.Length == 0 ? " cluster-wide" : $" in namespace {scope}";

    /// <summary>Role names are path segments: no '/' or '%'.</summary>
    private static string Sanitize(string name) => name.Replace('/', '-').Replace('%', '-');

    /// <summary>One authorization check: a resource request (Path empty) or a non-resource request (Path set). Name "" is any name.</summary>
    internal readonly record struct Atom(string Namespace, string Group, string Resource, string Name, string Path, string Verb)
    {
        public string Describe()
        {
            if (Path.Length > 0)
            {
                return $"{Verb} {Path}";
            }

            var what = PolicyGenerator.Describe(Group, Resource) + (Name.Length > 0 ? $" {Name}" : string.Empty);
            return $"{Verb} {what}{(Namespace.Length > 0 ? $" in namespace {Namespace}" : " cluster-wide")}";
        }
    }

    private sealed class Usage
    {
        public int Count { get; set; }

        public bool AllowedOnce { get; set; }

        public string? FirstSeen { get; set; }
    }

    private sealed record Draft(
        List<string> Groups,
        List<string> Resources,
        List<string> Names,
        List<string> Urls,
        List<string> Verbs,
        List<KeyValuePair<Atom, Usage>> Items);

    /// <summary>One request of the subject: its first event, and the status the later stages reported.</summary>
    private sealed class Request(AuditEvent e, bool asSubject, bool asImpersonator)
    {
        public AuditEvent Event { get; private set; } = e;

        /// <summary>The subject is the identity the authorizer evaluated (directly or impersonated).</summary>
        public bool AsSubject { get; } = asSubject;

        /// <summary>The subject impersonated someone to make the request.</summary>
        public bool AsImpersonator { get; } = asImpersonator;

        public int? Code { get; private set; } = e.ResponseCode;

        public bool Denied { get; private set; } = e.AuthorizationDenied;

        public void Merge(AuditEvent later)
        {
            if (later.ResponseCode is { } code)
            {
                Code = code;
                Denied = later.AuthorizationDenied;
            }
            else if (later.Annotations.ContainsKey("authorization.k8s.io/decision"))
            {
                Denied = later.AuthorizationDenied;
            }

            // Keep the event with the latest stage for the timestamps (ResponseComplete ends the request).
            if (later.Stage == "ResponseComplete")
            {
                Event = later with { ImpersonatedUser = later.ImpersonatedUser ?? Event.ImpersonatedUser };
            }
        }
    }
}
