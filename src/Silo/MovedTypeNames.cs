using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Newtonsoft.Json;
using Newtonsoft.Json.Serialization;
using Orleans.Serialization;
using Orleans.Serialization.TypeSystem;
using Orleans.Storage;

namespace HeatmapSaas.Silo;

/// <summary>
/// Reads grain state whose types have since moved to another namespace or assembly. Orleans' default storage
/// serializer (Newtonsoft, <c>TypeNameHandling.All</c>) writes a namespace- and assembly-qualified <c>$type</c> on
/// every object and collection, so state written before the feature-folder move names, say,
/// <c>HeatmapSaas.Catalog.Heatmap</c> where the type is now <c>HeatmapSaas.Heatmaps.Heatmap</c>. A name that no longer
/// resolves is read as the product type with the same name (without namespace) today, in generic arguments and
/// array elements too; the result still passes Orleans' allow-list. A name two product types share is left alone.
/// Writes use today's names.
/// </summary>
public sealed class MovedTypeNames : ISerializationBinder
{
    private readonly ISerializationBinder _binder;
    private readonly HashSet<string> _assemblies;
    private readonly Dictionary<string, Type> _typesByName;
    private readonly ConcurrentDictionary<(string?, string), Type> _moved = new();

    public MovedTypeNames(ISerializationBinder binder, params Assembly[] productAssemblies)
    {
        _binder = binder;
        _assemblies = productAssemblies.Select(a => a.GetName().Name!).ToHashSet();
        _typesByName = productAssemblies
            .SelectMany(a => a.GetTypes())
            .Where(t => t.Namespace is not null)
            .GroupBy(t => WithoutNamespace(t.FullName!))
            .Where(g => g.Count() == 1)
            .ToDictionary(g => g.Key, g => g.Single());
    }

    /// <summary>The silo's grain storage serializer (its settings, converters and allow-list) reading moved names.</summary>
    public static IGrainStorageSerializer StorageSerializer(IServiceProvider services, params Assembly[] productAssemblies)
    {
        var settings = new JsonSerializerSettings(services.GetRequiredService<IOptions<OrleansJsonSerializerOptions>>().Value.JsonSerializerSettings);
        settings.SerializationBinder = new MovedTypeNames(settings.SerializationBinder!, productAssemblies);
        return new JsonGrainStorageSerializer(new OrleansJsonSerializer(Options.Create(new OrleansJsonSerializerOptions { JsonSerializerSettings = settings })));
    }

    public void BindToName(Type serializedType, out string? assemblyName, out string? typeName) =>
        _binder.BindToName(serializedType, out assemblyName, out typeName);

    public Type BindToType(string? assemblyName, string typeName)
    {
        if (_moved.TryGetValue((assemblyName, typeName), out var moved))
        {
            return moved;
        }

        try
        {
            return _binder.BindToType(assemblyName, typeName);
        }
        catch (JsonSerializationException)
        {
            // Today's names never get here; an old one that maps to no product type fails as it would have.
            if (Moved(assemblyName, typeName) is { } now)
            {
                return now;
            }

            throw;
        }
    }

    private Type? Moved(string? assemblyName, string typeName)
    {
        var old = RuntimeTypeNameParser.Parse(assemblyName is null ? typeName : $"{typeName}, {assemblyName}");
        var now = Move(old);
        if (now.Format() == old.Format())
        {
            return null;
        }

        var type = now is AssemblyQualifiedTypeSpec q
            ? _binder.BindToType(q.Assembly, q.Type.Format())
            : _binder.BindToType(null, now.Format());
        return _moved.GetOrAdd((assemblyName, typeName), type);
    }

    private TypeSpec Move(TypeSpec spec) => spec switch
    {
        AssemblyQualifiedTypeSpec q when _assemblies.Contains(new AssemblyName(q.Assembly!).Name!)
            && Head(q.Type) is { } head && _typesByName.TryGetValue(WithoutNamespace(head.GetNamespaceQualifiedName()), out var type)
            => new AssemblyQualifiedTypeSpec(Move(WithHead(q.Type, type)), type.Assembly.GetName().Name),
        AssemblyQualifiedTypeSpec q => new AssemblyQualifiedTypeSpec(Move(q.Type), q.Assembly),
        ConstructedGenericTypeSpec g => new ConstructedGenericTypeSpec(g.UnconstructedType, g.Arguments.Length, [.. g.Arguments.Select(Move)]),
        ArrayTypeSpec a => new ArrayTypeSpec(Move(a.ElementType), a.Dimensions),
        _ => spec,
    };

    /// <summary>The named type a spec is built on: the type itself, its generic definition, its element type.</summary>
    private static NamedTypeSpec? Head(TypeSpec spec) => spec switch
    {
        NamedTypeSpec n => n,
        ConstructedGenericTypeSpec g => Head(g.UnconstructedType),
        ArrayTypeSpec a => Head(a.ElementType),
        _ => null,
    };

    private static TypeSpec WithHead(TypeSpec spec, Type type) => spec switch
    {
        ConstructedGenericTypeSpec g => new ConstructedGenericTypeSpec(WithHead(g.UnconstructedType, type), g.Arguments.Length, g.Arguments),
        ArrayTypeSpec a => new ArrayTypeSpec(WithHead(a.ElementType, type), a.Dimensions),
        _ => RuntimeTypeNameParser.Parse(type.FullName!),
    };

    /// <summary><c>Ns.Outer+Inner`1</c> → <c>Outer+Inner`1</c>.</summary>
    private static string WithoutNamespace(string fullName)
    {
        var outer = fullName.IndexOf('+') is var plus and >= 0 ? plus : fullName.Length;
        return fullName[(fullName.LastIndexOf('.', outer - 1) + 1)..];
    }
}
