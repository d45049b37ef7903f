"""Tensors in the JSON form the tests read ({shape, dtype, data}; LossFixtures.ToTensor in the tests):
bool and integer tensors as int64 lists, floating ones as float64. Shared by the fixture scripts
that run official code (make_official_u2pl_fixtures.py, make_official_ael_fixtures.py)."""


def put(t):
    import numpy as np
    import torch
    if isinstance(t, np.ndarray):
        t = torch.from_numpy(t)
    t = torch.as_tensor(t).detach().cpu()
    if t.dtype == torch.bool:
        return {"shape": list(t.shape), "dtype": "bool", "data": t.long().flatten().tolist()}
    if t.dtype in (torch.int64, torch.int32, torch.int16, torch.uint8):
        return {"shape": list(t.shape), "dtype": "int64", "data": t.long().flatten().tolist()}
    return {"shape": list(t.shape), "dtype": "float64", "data": [float(v) for v in t.double().flatten().tolist()]}
