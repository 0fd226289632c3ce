using System.Runtime;

namespace Bulwark.Engine;

/// <summary>
/// What a scanning process does with memory between phases. Loading parses every file into nodes and leaves a
/// lot of parser garbage and a garbage collector sized for it; before the rules build their views and findings,
/// one compacting, decommitting collection hands that back, so the rules phase starts from the live inventory
/// instead of stacking on top of the loader's high-water mark.
/// </summary>
public static class MemoryPolicy
{
    /// <summary>Below this many objects a scan is too small for the collection to matter.</summary>
    public const int CompactionThreshold = 20_000;

    public static void CompactAfterLoad(int objectCount)
    {
        if (objectCount < CompactionThreshold)
        {
            return;
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
