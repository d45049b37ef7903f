using SemiSeg.Torch.Serialization;

namespace SemiSeg.Torch.optim;

public sealed partial class SGD
{
    /// <summary>
    /// The optimizer's state in the layout of PyTorch's optimizer.state_dict(), so a checkpoint
    /// moves between the two:
    /// <c>{"state": {0: {"momentum_buffer": t}, ...}, "param_groups": [{"lr", "momentum", "dampening",
    /// "weight_decay", "nesterov", "maximize", "foreach", "differentiable", "initial_lr", "params": [0, 1]}, ...]}</c>.
    /// Parameters are numbered across the groups in order, as PyTorch does; "state" has an entry
    /// only for parameters that have a momentum buffer. "initial_lr" is the key PyTorch's schedulers
    /// add. The caller owns the result; its tensors share storage with the live buffers.
    /// </summary>
    public TorchDict StateDict()
    {
        var result = new TorchDict();
        try
        {
            var state = new TorchDict();
            result.Add("state", state);
            var groups = new List<TorchValue>();
            var index = 0L;
            foreach (var group in Groups)
            {
                var ids = new List<TorchValue>();
                foreach (var p in group.Parameters)
                {
                    if (momentumBuffers.TryGetValue(p, out var buffer))
                        state.Add(index, new TorchDict { { "momentum_buffer", TorchValue.FromTensor(buffer) } });
                    ids.Add(index++);
                }
                groups.Add(new TorchDict
                {
                    { "lr", group.LearningRate },
                    { "momentum", Momentum },
                    { "dampening", 0.0 },
                    { "weight_decay", group.WeightDecay ?? WeightDecay },
                    { "nesterov", false },
                    { "maximize", false },
                    { "foreach", TorchValue.None() },
                    { "differentiable", false },
                    { "initial_lr", group.InitialLearningRate },
                    { "params", TorchValue.FromList(ids) },
                });
            }
            result.Add("param_groups", TorchValue.FromList(groups));
            return result;
        }
        catch { result.Dispose(); throw; }
    }

    /// <summary>
    /// Restores a state written by <see cref="StateDict"/> or by PyTorch's optimizer.state_dict():
    /// each group's lr, initial_lr (when present) and weight_decay, and copies of the momentum
    /// buffers. The groups must hold as many parameters as this optimizer's, and the momentum,
    /// dampening and nesterov settings must be this optimizer's; everything is checked before
    /// anything changes. The caller keeps owning <paramref name="stateDict"/>.
    /// </summary>
    public void LoadStateDict(TorchDict stateDict)
    {
        var savedGroups = stateDict.GetList("param_groups");
        if (savedGroups.Count != Groups.Count)
            throw new ArgumentException($"the optimizer state has {savedGroups.Count} param groups, this optimizer {Groups.Count}");

        var byId = new Dictionary<long, Tensor>();
        var settings = new List<(ParamGroup Group, double Lr, double? InitialLr, double WeightDecay)>();
        for (var g = 0; g < Groups.Count; g++)
        {
            var saved = savedGroups[g].AsDict();
            var group = Groups[g];
            var ids = saved.GetList("params");
            if (ids.Count != group.Parameters.Count)
                throw new ArgumentException($"param group {g} of the optimizer state has {ids.Count} parameters, this optimizer's {group.Parameters.Count}");
            for (var k = 0; k < ids.Count; k++) byId[ids[k].AsInt()] = group.Parameters[k];
            CheckSetting(saved, "momentum", Momentum, g);
            if (saved.ContainsKey("dampening")) CheckSetting(saved, "dampening", 0, g);
            if (saved.ContainsKey("nesterov") && saved.GetBool("nesterov"))
                throw new ArgumentException($"param group {g} of the optimizer state uses Nesterov momentum, which this SGD does not");
            double? initial = saved.ContainsKey("initial_lr") ? saved.GetDouble("initial_lr") : null;
            settings.Add((group, saved.GetDouble("lr"), initial, saved.GetDouble("weight_decay")));
        }

        var buffers = new List<(Tensor Parameter, Tensor Buffer)>();
        foreach (var (key, value) in stateDict.GetDict("state"))
        {
            var id = key.IsInt ? key.AsInt() : long.TryParse(key.AsString(), out var parsed) ? parsed : throw new ArgumentException($"optimizer state key {key} is not a parameter index");
            if (!byId.TryGetValue(id, out var parameter)) throw new ArgumentException($"optimizer state has an entry for parameter {id}, which no param group lists");
            var entry = value.AsDict();
            if (!entry.TryGetValue("momentum_buffer", out var saved) || saved.IsNone) continue;
            var buffer = saved.AsTensor();
            if (!buffer.Shape.SequenceEqual(parameter.Shape))
                throw new ArgumentException($"the momentum buffer of parameter {id} has shape [{string.Join(", ", buffer.Shape)}], the parameter [{string.Join(", ", parameter.Shape)}]");
            buffers.Add((parameter, buffer));
        }

        foreach (var (group, lr, initial, weightDecay) in settings)
        {
            group.LearningRate = lr;
            if (initial is { } value) group.InitialLearningRate = value;
            group.WeightDecay = weightDecay;
        }
        foreach (var buffer in momentumBuffers.Values) buffer.Dispose();
        momentumBuffers.Clear();
        foreach (var (parameter, buffer) in buffers) SetMomentumBuffer(parameter, buffer);
    }

    private static void CheckSetting(TorchDict group, string key, double expected, int index)
    {
        var saved = group.GetDouble(key);
        if (saved != expected)
            throw new ArgumentException($"param group {index} of the optimizer state has {key} {saved}, this optimizer {expected}");
    }
}
