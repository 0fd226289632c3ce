using Bulwark.Model;

namespace Bulwark.Rules;

/// <summary>A rule evaluated once per container (init and ephemeral containers included) of every pod.</summary>
public abstract class ContainerRule : Rule
{
    public sealed override void Check(RuleContext context)
    {
        foreach (var pod in context.Inventory.PodTemplates)
        {
            foreach (var container in pod.Containers)
            {
                Check(context, pod, container);
            }
        }
    }

    protected abstract void Check(RuleContext context, PodTemplate pod, ContainerView container);
}

/// <summary>A rule evaluated once per pod (pod-level fields such as hostNetwork or volumes).</summary>
public abstract class PodRule : Rule
{
    public sealed override void Check(RuleContext context)
    {
        foreach (var pod in context.Inventory.PodTemplates)
        {
            Check(context, pod);
        }
    }

    protected abstract void Check(RuleContext context, PodTemplate pod);
}
