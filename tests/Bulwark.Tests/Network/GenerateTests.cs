using Bulwark.Loading;
using Bulwark.Model;
using Bulwark.Network.Analysis;
using Bulwark.Network.Generation;
using Bulwark.Network.Model;
using Bulwark.Network.Sets;
using Xunit;

namespace Bulwark.Tests.Network;

public sealed class GenerateTests
{
    /// <summary>
    /// shop/web (LoadBalancer, named targetPort http=8080) calls shop/api by its bare name with a port; shop/api (named
    /// targetPort api=8000) reads data/db's full DNS name from a ConfigMap; CoreDNS runs in kube-system behind kube-dns.
    /// </summary>
    public const string App = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web, tier: frontend}}
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  ports: [{containerPort: 8080, name: http}]
                  env:
                    - {name: API_URL, value: "http://api:8000/v1"}
                    - {name: LOG_MESSAGE, value: "the api is slow"}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          type: LoadBalancer
          selector: {app: web}
          ports: [{port: 80, targetPort: http}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: shop}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
                - name: api
                  image: example/api:2.1
                  ports: [{containerPort: 8000, name: api}, {containerPort: 9100, name: metrics}]
                  envFrom: [{configMapRef: {name: api-config}}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: api-config, namespace: shop}
        data:
          DATABASE_URL: "postgres://app@db.data.svc.cluster.local:5432/shop"
          LOG_LEVEL: info
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: api, namespace: shop}
        spec:
          selector: {app: api}
          ports: [{name: http, port: 8000, targetPort: api}, {name: metrics, port: 9100, targetPort: metrics}]
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: data}
        spec:
          selector: {matchLabels: {app: db}}
          serviceName: db
          template:
            metadata: {labels: {app: db}}
            spec:
              containers:
                - name: postgres
                  image: postgres:16
                  ports: [{containerPort: 5432, name: pg}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: data}
        spec:
          selector: {app: db}
          ports: [{port: 5432, targetPort: 5432}]
        """;

    public const string CoreDns = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: coredns, namespace: kube-system}
        spec:
          selector: {matchLabels: {k8s-app: kube-dns}}
          template:
            metadata: {labels: {k8s-app: kube-dns, pod-template-hash: 5d78c9869d}}
            spec:
              containers:
                - name: coredns
                  image: registry.k8s.io/coredns/coredns:v1.11.1
                  ports:
                    - {containerPort: 53, name: dns, protocol: UDP}
                    - {containerPort: 53, name: dns-tcp, protocol: TCP}
                    - {containerPort: 9153, name: metrics, protocol: TCP}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: kube-dns, namespace: kube-system}
        spec:
          selector: {k8s-app: kube-dns}
          ports:
            - {name: dns, port: 53, protocol: UDP, targetPort: 53}
            - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}
            - {name: metrics, port: 9153, protocol: TCP, targetPort: 9153}
        """;

    [Fact]
    public void Should_Generate_Default_Deny_Dns_And_Least_Privilege_Rules_For_A_Small_App()
    {
        // When
        var (result, verification) = Generate(App + "\n---\n" + CoreDns);

        // Then: kube-system is left alone; data and shop get default-deny and allow-dns; a policy per direction a workload needs
        Assert.Equal(
        [
            "data/default-deny", "data/allow-dns", "data/db-ingress",
            "shop/default-deny", "shop/allow-dns", "shop/api-ingress", "shop/api-egress", "shop/web-ingress", "shop/web-egress",
        ], result.Policies.Select(p => $"{p.Namespace}/{p.Name}"));
        Assert.Empty(result.Warnings);

        // api accepts web on the Service's named targetPort only (API_URL names port 8000, not metrics 9100); written by hand:
        Assert.Equal("""
            # Allow the connections shop/Deployment/api needs to accept.
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: api-ingress
              namespace: shop
              labels:
                app.kubernetes.io/managed-by: bulwark
            spec:
              podSelector:
                matchLabels:
                  app: api
              policyTypes:
                - Ingress
              ingress:
                # shop/Deployment/web uses Service shop/api: env API_URL of container web names api:8000
                - from:
                    - namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: shop
                      podSelector:
                        matchLabels:
                          app: web
                  ports:
                    - protocol: TCP
                      port: api

            """.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n", GeneratedPolicyWriter.ToYaml(Policy(result, "shop", "api-ingress")));

        // db accepts api from namespace shop on the numeric targetPort; api may open exactly that
        var db = Assert.Single(Policy(result, "data", "db-ingress").IngressRules);
        var peer = Assert.Single(db.Peers!);
        Assert.Equal("shop", peer.NamespaceLabels![NetworkNamespace.NameLabel]);
        Assert.Equal(new Dictionary<string, string> { ["app"] = "api" }, peer.PodLabels);
        Assert.Equal([new GeneratedPort(Protocol.Tcp, null, 5432, null)], db.Ports!);
        var apiEgress = Assert.Single(Policy(result, "shop", "api-egress").EgressRules);
        Assert.Equal("data", Assert.Single(apiEgress.Peers!).NamespaceLabels![NetworkNamespace.NameLabel]);

        // web is public (LoadBalancer): a rule without from, on the container port name
        var web = Assert.Single(Policy(result, "shop", "web-ingress").IngressRules);
        Assert.Null(web.Peers);
        Assert.Equal([new GeneratedPort(Protocol.Tcp, "http", null, null)], web.Ports!);

        // default deny: podSelector {}, both directions, no rule
        var deny = Policy(result, "shop", "default-deny");
        Assert.Empty(deny.PodSelector);
        Assert.True(deny.IsolatesIngress && deny.IsolatesEgress);
        Assert.Empty(deny.IngressRules);
        Assert.Empty(deny.EgressRules);

        // Verified. Hand count: web->api, api->db, web/api/db->coredns (DNS), external->web and coredns->web (web is public,
        // and kube-system's egress is not governed) = 7.
        Assert.True(verification.Verified, string.Join("\n", verification.Describe()));
        Assert.Equal(7, verification.IntendedCount);
    }

    [Fact]
    public void Should_Use_The_Dns_Service_Selector_And_Its_Target_Ports()
    {
        // When
        var (result, _) = Generate(App + "\n---\n" + CoreDns);

        // Then: the Service's selector (not the pod-template-hash), port 53 UDP and TCP, not metrics 9153
        var target = Assert.Single(result.DnsTargets);
        Assert.False(target.IsFallback);
        Assert.Equal("kube-system", target.Namespace);
        Assert.Equal(new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, target.PodLabels);
        Assert.Equal(["UDP 53", "TCP 53"], target.Ports.Select(p => p.ToString()));
        var rule = Assert.Single(Policy(result, "shop", "allow-dns").EgressRules);
        Assert.Equal("kube-system", Assert.Single(rule.Peers!).NamespaceLabels![NetworkNamespace.NameLabel]);
    }

    [Fact]
    public void Should_Find_OpenShift_Dns_On_Port_5353()
    {
        // Given: OpenShift's DNS daemon set: the Service maps 53 to the named port dns (5353)
        const string openShift = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: dns-default, namespace: openshift-dns}
            spec:
              selector: {matchLabels: {dns.operator.openshift.io/daemonset-dns: default}}
              template:
                metadata: {labels: {dns.operator.openshift.io/daemonset-dns: default}}
                spec:
                  containers:
                    - name: dns
                      image: quay.io/openshift/origin-coredns:4.16
                      ports:
                        - {containerPort: 5353, name: dns, protocol: UDP}
                        - {containerPort: 5353, name: dns-tcp, protocol: TCP}
                        - {containerPort: 9154, name: metrics, protocol: TCP}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: dns-default, namespace: openshift-dns}
            spec:
              selector: {dns.operator.openshift.io/daemonset-dns: default}
              ports:
                - {name: dns, port: 53, protocol: UDP, targetPort: dns}
                - {name: dns-tcp, port: 53, protocol: TCP, targetPort: dns-tcp}
                - {name: metrics, port: 9154, protocol: TCP, targetPort: metrics}
            """;

        // When
        var (result, verification) = Generate(App + "\n---\n" + openShift);

        // Then: the DNS namespace is left alone, and the rule targets 5353 (the pod port after DNAT)
        var target = Assert.Single(result.DnsTargets);
        Assert.Equal("openshift-dns", target.Namespace);
        Assert.Equal(["UDP 5353", "TCP 5353"], target.Ports.Select(p => p.ToString()));
        Assert.DoesNotContain("openshift-dns", result.Governed);
        Assert.Contains(result.Notes, n => n.Contains("namespace openshift-dns: no policy generated", StringComparison.Ordinal));
        Assert.True(verification.Verified, string.Join("\n", verification.Describe()));
    }

    [Fact]
    public void Should_Find_CoreDns_By_Image_And_Select_It_By_Its_Own_Labels()
    {
        // Given: CoreDNS without the kube-dns Service and with other labels than k8s-app=kube-dns
        const string coreDns = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: dns, namespace: kube-system}
            spec:
              selector: {matchLabels: {app.kubernetes.io/name: coredns}}
              template:
                metadata: {labels: {app.kubernetes.io/name: coredns, app.kubernetes.io/instance: dns}}
                spec:
                  containers:
                    - name: coredns
                      image: coredns/coredns:1.11.1
                      ports: [{containerPort: 53, protocol: UDP}, {containerPort: 53, protocol: TCP}, {containerPort: 9153}]
            """;

        // When
        var (result, verification) = Generate(App + "\n---\n" + coreDns);

        // Then
        var target = Assert.Single(result.DnsTargets);
        Assert.Equal(new Dictionary<string, string> { ["app.kubernetes.io/instance"] = "dns", ["app.kubernetes.io/name"] = "coredns" }, target.PodLabels);
        Assert.Equal(["UDP 53", "TCP 53"], target.Ports.Select(p => p.ToString()));
        Assert.True(verification.Verified, string.Join("\n", verification.Describe()));
    }

    [Fact]
    public void Should_Fall_Back_To_Kube_Dns_Labels_With_A_Warning()
    {
        // When: no DNS server in the input
        var (result, verification) = Generate(App);

        // Then
        var target = Assert.Single(result.DnsTargets);
        Assert.True(target.IsFallback);
        Assert.Equal(new Dictionary<string, string> { ["k8s-app"] = "kube-dns" }, target.PodLabels);
        Assert.Equal(["UDP 53", "TCP 53"], target.Ports.Select(p => p.ToString()));
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("no DNS server found in the input", warning, StringComparison.Ordinal);
        Assert.Contains("k8s-app=kube-dns", warning, StringComparison.Ordinal);

        // The DNS rule cannot be checked (nothing carries the labels); the rest is: web->api, api->db, external->web
        Assert.True(verification.Verified, string.Join("\n", verification.Describe()));
        Assert.Equal(3, verification.IntendedCount);
    }

    [Fact]
    public void Should_Infer_Clients_Only_From_Host_Positions_And_Qualified_Names()
    {
        // Given: clients in namespace tools mentioning shop's api in several ways
        const string tools = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: bare, namespace: tools}
            spec:
              selector: {matchLabels: {app: bare}}
              template:
                metadata: {labels: {app: bare}}
                spec:
                  containers: [{name: c, image: "busybox:1.36", env: [{name: API, value: "api:8000"}]}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: qualified, namespace: tools}
            spec:
              selector: {matchLabels: {app: qualified}}
              template:
                metadata: {labels: {app: qualified}}
                spec:
                  containers: [{name: c, image: "busybox:1.36", args: ["--target=api.shop.svc:9100"]}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: secretive, namespace: tools}
            spec:
              selector: {matchLabels: {app: secretive}}
              template:
                metadata: {labels: {app: secretive}}
                spec:
                  containers:
                    - name: c
                      image: busybox:1.36
                      env: [{name: URL, valueFrom: {secretKeyRef: {name: creds, key: url}}}]
            ---
            apiVersion: v1
            kind: Secret
            metadata: {name: creds, namespace: tools}
            stringData:
              url: "http://user:hunter2@api.shop:8000/"
            """;

        // When
        var (result, _) = Generate(App + "\n---\n" + CoreDns + "\n---\n" + tools);

        // Then: the bare name from another namespace does not resolve to shop's api; "the api is slow" is prose, not a host
        var clients = result.Intents.Where(i => !i.Dns && i.Destination is WorkloadEnd { Workload.Name: "api" })
            .ToDictionary(i => ((WorkloadEnd)i.Source).Workload.Name, i => i);
        Assert.Equal(["qualified", "secretive", "web"], clients.Keys.Order(StringComparer.Ordinal));

        // :9100 selects the metrics port only; the Secret's URL selects 8000 and its value is never printed
        Assert.Equal("TCP metrics", clients["qualified"].PortsKey);
        Assert.Equal("TCP api", clients["secretive"].PortsKey);
        Assert.Contains("Secret creds key url", clients["secretive"].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", clients["secretive"].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", string.Concat(result.Policies.Select(GeneratedPolicyWriter.ToYaml)), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_Fail_Verification_For_A_HostNetwork_Client()
    {
        // Given: a hostNetwork agent calling the api
        const string agent = """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: shop}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  hostNetwork: true
                  containers: [{name: agent, image: "busybox:1.36", args: ["--push=http://api.shop.svc.cluster.local:8000"]}]
            """;

        // When
        var (result, verification) = Generate(App + "\n---\n" + CoreDns + "\n---\n" + agent);

        // Then: warned, and the intended agent -> api (and agent -> coredns) cannot be found in the analysis
        Assert.Contains(result.Warnings, w => w.StartsWith("shop/DaemonSet/agent uses hostNetwork", StringComparison.Ordinal));
        Assert.False(verification.Verified);
        Assert.All(verification.Differences, d => Assert.Equal(ChangeKind.Removed, d.Kind));
        Assert.Equal(
            ["shop/DaemonSet/agent -> kube-system/Deployment/coredns", "shop/DaemonSet/agent -> shop/Deployment/api"],
            verification.Differences.Select(d => $"{d.Source} -> {d.Destination}").Order(StringComparer.Ordinal));
        Assert.Contains(verification.Describe(), l => l == "intended but not allowed: shop/DaemonSet/agent -> shop/Deployment/api: TCP 8000 (hostNetwork: policy effect unknown)");
    }

    [Fact]
    public void Should_Fail_Verification_When_Two_Workloads_Share_Their_Labels()
    {
        // Given: two workers with the same labels; only worker-a calls the api
        const string workers = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: worker-a, namespace: shop}
            spec:
              selector: {matchLabels: {app: worker}}
              template:
                metadata: {labels: {app: worker}}
                spec:
                  containers: [{name: w, image: "example/worker:1", env: [{name: API, value: "api:8000"}]}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: worker-b, namespace: shop}
            spec:
              selector: {matchLabels: {app: worker}}
              template:
                metadata: {labels: {app: worker}}
                spec:
                  containers: [{name: w, image: "example/worker:1"}]
            """;

        // When
        var (result, verification) = Generate(App + "\n---\n" + CoreDns + "\n---\n" + workers);

        // Then: the ambiguity is warned about, and the analysis finds the unintended worker-b -> api
        Assert.Contains(result.Warnings, w => w.StartsWith("shop/Deployment/worker-a cannot be told apart from shop/Deployment/worker-b", StringComparison.Ordinal));
        var difference = Assert.Single(verification.Differences);
        Assert.Equal(ChangeKind.Added, difference.Kind);
        Assert.Equal("shop/Deployment/worker-b -> shop/Deployment/api", $"{difference.Source} -> {difference.Destination}");
        Assert.Equal("TCP 8000", difference.After.ToString());
    }

    [Fact]
    public void Should_Generate_Exactly_The_Connections_Of_A_File_With_IpBlocks()
    {
        // Given: web -> api on TCP 8000, api -> 203.0.113.0/24 on TCP 443, and every address except 10.0.0.0/8 -> web on 8080
        var model = Build(App);
        var errors = new List<string>();
        var warnings = new List<string>();
        var intents = ConnectionsFile.Read("""
            {"connections": [
              {"src": {"namespace": "shop", "kind": "Deployment", "name": "web"},
               "dst": {"namespace": "shop", "kind": "deployment", "name": "api"},
               "allowed": [{"protocol": "TCP", "from": 8000, "to": 8000}]},
              {"src": {"namespace": "shop", "kind": "Deployment", "name": "api"},
               "dst": {"external": ["203.0.113.0-203.0.113.255"]},
               "allowed": [{"protocol": "TCP", "from": 443, "to": 443}]},
              {"src": {"external": ["0.0.0.0-9.255.255.255", "11.0.0.0-255.255.255.255"]},
               "dst": {"namespace": "shop", "kind": "Deployment", "name": "web"},
               "allowed": [{"protocol": "TCP", "from": 8080, "to": 8080}]}
            ]}
            """, model, errors, warnings);
        Assert.Empty(errors);

        // When: without DNS, the intended connections are exactly the file's
        var (result, verification) = Generate(App, new GenerationRequest { Connections = intents, Dns = false });

        // Then
        Assert.DoesNotContain(result.Policies, p => p.Name == "allow-dns");
        var egress = Assert.Single(Policy(result, "shop", "api-egress").EgressRules);
        Assert.Equal(new IpBlockSpec("203.0.113.0/24", []), Assert.Single(egress.Peers!).IpBlock);
        var ingress = Assert.Single(Policy(result, "shop", "web-ingress").IngressRules);
        Assert.Equal("0.0.0.0/0", Assert.Single(ingress.Peers!).IpBlock!.Cidr);
        Assert.Equal(["10.0.0.0/8"], ingress.Peers![0].IpBlock!.Except);
        Assert.True(verification.Verified, string.Join("\n", verification.Describe()));
        Assert.Equal(3, verification.IntendedCount);
    }

    [Theory]
    [InlineData("""{"connections": [{"src": {"namespace": "shop", "kind": "Deployment", "name": "nope"}, "dst": {"external": ["1.2.3.4"]}, "allowed": "all"}]}""", "connections[0].src: no workload shop/Deployment/nope in the input")]
    [InlineData("""{"connections": [{"src": {"external": ["1.2.3.4"]}, "dst": {"external": ["1.2.3.5"]}, "allowed": "all"}]}""", "connections[0]: src and dst are both external")]
    [InlineData("""{"connections": [{"src": {"external": ["1.2.3.4"]}, "dst": {"namespace": "shop", "kind": "Deployment", "name": "web"}, "allowed": [{"protocol": "ICMP", "from": 1, "to": 2}]}]}""", "connections[0].allowed[0]: protocol must be")]
    [InlineData("""{"connections": [{"src": {"external": ["300.0.0.1"]}, "dst": {"namespace": "shop", "kind": "Deployment", "name": "web"}, "allowed": "all"}]}""", "is not an address")]
    [InlineData("""{"links": []}""", "expected an object with a \"connections\" array")]
    [InlineData("""{"connections": [""", "invalid JSON")]
    public void Should_Reject_A_Bad_Connections_File_With_The_Entry(string json, string expected)
    {
        var errors = new List<string>();

        ConnectionsFile.Read(json, Build(App), errors, []);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_Name_The_Line_Of_A_Bad_Connections_Entry()
    {
        // Given: the second entry, on line 4, has no dst; the file is cut after line 5 in the second case
        var json = "{\"connections\": [\n  {\"src\": {\"external\": [\"1.2.3.4\"]},\n   \"dst\": {\"namespace\": \"shop\", \"kind\": \"Deployment\", \"name\": \"web\"}, \"allowed\": \"all\"},\n  {\"src\": {\"external\": [\"1.2.3.4\"]}, \"allowed\": \"all\"}\n]}\n";
        var errors = new List<string>();
        var truncated = new List<string>();

        // When
        ConnectionsFile.Read(json, Build(App), errors, []);
        ConnectionsFile.Read(json[..json.LastIndexOf("]}", StringComparison.Ordinal)], Build(App), truncated, []);

        // Then
        Assert.Equal("4: connections[1].dst: expected {\"namespace\", \"kind\", \"name\"} or {\"external\": [...]}", Assert.Single(errors));
        Assert.StartsWith("5: invalid JSON", Assert.Single(truncated), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.0-10.0.0.255", "10.0.0.0/24")]
    [InlineData("10.0.0.1-10.0.0.6", "10.0.0.1/32 10.0.0.2/31 10.0.0.4/31 10.0.0.6/32")]
    [InlineData("0.0.0.0-255.255.255.255", "0.0.0.0/0")]
    [InlineData("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::/0")]
    [InlineData("2001:db8::-2001:db8::ffff", "2001:db8::/112")]
    public void Should_Cover_A_Range_With_The_Fewest_Cidrs(string range, string expected)
    {
        Assert.True(IpRange.TryParse(range, out var parsed));

        Assert.Equal(expected, string.Join(" ", CidrCover.Cidrs(parsed)));
    }

    [Fact]
    public void Should_Quote_Yaml_Scalars_That_Would_Read_As_Something_Else()
    {
        // Given: a workload labelled with values YAML 1.1 reads as a boolean and a number
        const string odd = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: odd, namespace: shop}
            spec:
              selector: {matchLabels: {app: odd}}
              template:
                metadata: {labels: {app: "on", version: "1.0"}}
                spec:
                  containers: [{name: c, image: "example/odd:1", env: [{name: API, value: "api:8000"}]}]
            """;

        // When
        var (result, verification) = Generate(App + "\n---\n" + CoreDns + "\n---\n" + odd);

        // Then: written quoted, and read back as the same strings (the verification parses the YAML)
        var yaml = GeneratedPolicyWriter.ToYaml(Policy(result, "shop", "odd-egress"));
        Assert.Contains("app: \"on\"", yaml, StringComparison.Ordinal);
        Assert.True(verification.Verified, string.Join("\n", verification.Describe()));
    }

    private static GeneratedPolicy Policy(GenerationResult result, string ns, string name) =>
        Assert.Single(result.Policies, p => p.Namespace == ns && p.Name == name);

    private static NetworkModel Build(string yaml) => NetworkModel.Build(Load(yaml));

    private static List<KubeObject> Load(string yaml)
    {
        var load = new ManifestLoader().LoadText(yaml, "test.yaml");
        Assert.Empty(load.Errors);
        return load.Objects;
    }

    private static (GenerationResult Result, GenerationVerification Verification) Generate(string yaml, GenerationRequest? request = null)
    {
        var objects = Load(yaml);
        var inventory = new Inventory(objects);
        var model = NetworkModel.Build(inventory);
        if (request?.Connections is not null)
        {
            // Intents refer to workloads of the model they were read with: rebuild them against this model.
            var byRef = model.Workloads.ToDictionary(w => w.Ref);
            IntentEnd Map(IntentEnd e) => e is WorkloadEnd w ? new WorkloadEnd(byRef[w.Workload.Ref]) : e;
            request = request with { Connections = request.Connections.Select(i => i with { Source = Map(i.Source), Destination = Map(i.Destination) }).ToList() };
        }

        var result = PolicyGeneration.Generate(model, inventory, request ?? new GenerationRequest());
        return (result, GenerationVerifier.Verify(objects, result));
    }
}
