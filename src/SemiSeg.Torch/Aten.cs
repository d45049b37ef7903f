namespace SemiSeg.Torch;

/// <summary>The ATen operators the binding uses, looked up once by schema name.</summary>
internal static class Aten
{
    // arithmetic
    internal static readonly Op AddTensor = new("aten::add", "Tensor");
    internal static readonly Op AddScalar = new("aten::add", "Scalar");
    internal static readonly Op AddInPlace = new("aten::add_", "Tensor");
    internal static readonly Op AddScalarInPlace = new("aten::add_", "Scalar");
    internal static readonly Op SubTensor = new("aten::sub", "Tensor");
    internal static readonly Op SubScalar = new("aten::sub", "Scalar");
    internal static readonly Op RsubScalar = new("aten::rsub", "Scalar");
    internal static readonly Op MulTensor = new("aten::mul", "Tensor");
    internal static readonly Op MulScalar = new("aten::mul", "Scalar");
    internal static readonly Op MulInPlace = new("aten::mul_", "Scalar");
    internal static readonly Op DivTensor = new("aten::div", "Tensor");
    internal static readonly Op DivScalar = new("aten::div", "Scalar");
    internal static readonly Op Neg = new("aten::neg");
    internal static readonly Op Exp = new("aten::exp");
    internal static readonly Op Log = new("aten::log");
    internal static readonly Op Sqrt = new("aten::sqrt");
    internal static readonly Op Abs = new("aten::abs");
    internal static readonly Op Reciprocal = new("aten::reciprocal");
    internal static readonly Op PowScalar = new("aten::pow", "Tensor_Scalar");
    internal static readonly Op Matmul = new("aten::matmul");
    internal static readonly Op Mm = new("aten::mm");
    internal static readonly Op Clamp = new("aten::clamp");
    internal static readonly Op ClampMin = new("aten::clamp_min");
    internal static readonly Op Floor = new("aten::floor");
    internal static readonly Op Round = new("aten::round");
    internal static readonly Op Sigmoid = new("aten::sigmoid");
    internal static readonly Op Lerp = new("aten::lerp_", "Scalar");

    // comparison and logic
    internal static readonly Op EqTensor = new("aten::eq", "Tensor");
    internal static readonly Op EqScalar = new("aten::eq", "Scalar");
    internal static readonly Op NeTensor = new("aten::ne", "Tensor");
    internal static readonly Op NeScalar = new("aten::ne", "Scalar");
    internal static readonly Op LtTensor = new("aten::lt", "Tensor");
    internal static readonly Op LtScalar = new("aten::lt", "Scalar");
    internal static readonly Op LeTensor = new("aten::le", "Tensor");
    internal static readonly Op LeScalar = new("aten::le", "Scalar");
    internal static readonly Op GtTensor = new("aten::gt", "Tensor");
    internal static readonly Op GtScalar = new("aten::gt", "Scalar");
    internal static readonly Op GeTensor = new("aten::ge", "Tensor");
    internal static readonly Op GeScalar = new("aten::ge", "Scalar");
    internal static readonly Op LogicalAnd = new("aten::logical_and");
    internal static readonly Op LogicalOr = new("aten::logical_or");
    internal static readonly Op LogicalNot = new("aten::logical_not");
    internal static readonly Op Where = new("aten::where", "self");
    internal static readonly Op WhereScalarOther = new("aten::where", "ScalarOther");
    internal static readonly Op WhereScalar = new("aten::where", "Scalar");
    internal static readonly Op WhereScalarSelf = new("aten::where", "ScalarSelf");
    internal static readonly Op Any = new("aten::any");
    internal static readonly Op All = new("aten::all");

    // reductions
    internal static readonly Op Sum = new("aten::sum");
    internal static readonly Op SumDim = new("aten::sum", "dim_IntList");
    internal static readonly Op Mean = new("aten::mean");
    internal static readonly Op MeanDim = new("aten::mean", "dim");
    internal static readonly Op Max = new("aten::max");
    internal static readonly Op MaxDim = new("aten::max", "dim");
    internal static readonly Op Min = new("aten::min");
    internal static readonly Op MinDim = new("aten::min", "dim");
    internal static readonly Op Argmax = new("aten::argmax");
    internal static readonly Op Argmin = new("aten::argmin");
    internal static readonly Op Norm = new("aten::norm", "ScalarOpt_dim");
    internal static readonly Op Sort = new("aten::sort");
    internal static readonly Op Argsort = new("aten::argsort");
    internal static readonly Op Topk = new("aten::topk");
    internal static readonly Op Kthvalue = new("aten::kthvalue");
    internal static readonly Op Quantile = new("aten::quantile", "scalar");
    internal static readonly Op Cumsum = new("aten::cumsum");
    internal static readonly Op Bincount = new("aten::bincount");

    // shape and memory
    internal static readonly Op Reshape = new("aten::reshape");
    internal static readonly Op View = new("aten::view");
    internal static readonly Op Permute = new("aten::permute");
    internal static readonly Op Transpose = new("aten::transpose", "int");
    internal static readonly Op Contiguous = new("aten::contiguous");
    internal static readonly Op Flatten = new("aten::flatten", "using_ints");
    internal static readonly Op Unsqueeze = new("aten::unsqueeze");
    internal static readonly Op Squeeze = new("aten::squeeze", "dim");
    internal static readonly Op SqueezeAll = new("aten::squeeze");
    internal static readonly Op Expand = new("aten::expand");
    internal static readonly Op Repeat = new("aten::repeat");
    internal static readonly Op Cat = new("aten::cat");
    internal static readonly Op Stack = new("aten::stack");
    internal static readonly Op Split = new("aten::split", "Tensor");
    internal static readonly Op SplitWithSizes = new("aten::split_with_sizes");
    internal static readonly Op Chunk = new("aten::chunk");
    internal static readonly Op Flip = new("aten::flip");
    internal static readonly Op Clone = new("aten::clone");
    internal static readonly Op AsStrided = new("aten::as_strided");
    internal static readonly Op Detach = new("aten::detach");
    internal static readonly Op ToDtype = new("aten::to", "dtype");
    internal static readonly Op ToDevice = new("aten::to", "device");
    internal static readonly Op Copy = new("aten::copy_");
    internal static readonly Op Zero = new("aten::zero_");
    internal static readonly Op Fill = new("aten::fill_", "Scalar");

    // indexing
    internal static readonly Op Index = new("aten::index", "Tensor");
    internal static readonly Op IndexPut = new("aten::index_put_");
    internal static readonly Op Select = new("aten::select", "int");
    internal static readonly Op Slice = new("aten::slice", "Tensor");
    internal static readonly Op Narrow = new("aten::narrow");
    internal static readonly Op Gather = new("aten::gather");
    internal static readonly Op ScatterSrc = new("aten::scatter", "src");
    internal static readonly Op ScatterValue = new("aten::scatter", "value");
    internal static readonly Op ScatterSrcInPlace = new("aten::scatter_", "src");
    internal static readonly Op ScatterValueInPlace = new("aten::scatter_", "value");
    internal static readonly Op ScatterAdd = new("aten::scatter_add");
    internal static readonly Op ScatterReduce = new("aten::scatter_reduce", "two");
    internal static readonly Op MaskedSelect = new("aten::masked_select");
    internal static readonly Op MaskedFill = new("aten::masked_fill", "Scalar");
    internal static readonly Op MaskedFillInPlace = new("aten::masked_fill_", "Scalar");
    internal static readonly Op IndexSelect = new("aten::index_select");
    internal static readonly Op Nonzero = new("aten::nonzero");
    internal static readonly Op OneHot = new("aten::one_hot");

    // creation
    internal static readonly Op Zeros = new("aten::zeros");
    internal static readonly Op Ones = new("aten::ones");
    internal static readonly Op Full = new("aten::full");
    internal static readonly Op Empty = new("aten::empty", "memory_format");
    internal static readonly Op ZerosLike = new("aten::zeros_like");
    internal static readonly Op OnesLike = new("aten::ones_like");
    internal static readonly Op ArangeStartStep = new("aten::arange", "start_step");
    internal static readonly Op Eye = new("aten::eye");
    internal static readonly Op Linspace = new("aten::linspace");
    internal static readonly Op Rand = new("aten::rand", "generator");
    internal static readonly Op Randn = new("aten::randn", "generator");
    internal static readonly Op RandintLow = new("aten::randint", "low_generator");
    internal static readonly Op Randperm = new("aten::randperm", "generator");
    internal static readonly Op NormalFloatFloat = new("aten::normal", "float_float");
    internal static readonly Op NormalInPlace = new("aten::normal_");
    internal static readonly Op UniformInPlace = new("aten::uniform_");
    internal static readonly Op BernoulliFloat = new("aten::bernoulli", "p");

    // neural network
    internal static readonly Op Conv2d = new("aten::conv2d");
    internal static readonly Op BatchNorm = new("aten::batch_norm");
    internal static readonly Op Relu = new("aten::relu");
    internal static readonly Op ReluInPlace = new("aten::relu_");
    internal static readonly Op Dropout = new("aten::dropout");
    internal static readonly Op FeatureDropout = new("aten::feature_dropout");
    internal static readonly Op MaxPool2d = new("aten::max_pool2d");
    internal static readonly Op MaxPool2dWithIndices = new("aten::max_pool2d_with_indices");
    internal static readonly Op AvgPool2d = new("aten::avg_pool2d");
    internal static readonly Op AdaptiveAvgPool2d = new("aten::adaptive_avg_pool2d");
    internal static readonly Op UpsampleBilinear2d = new("aten::upsample_bilinear2d", "vec");
    internal static readonly Op UpsampleNearest2d = new("aten::upsample_nearest2d", "vec");
    internal static readonly Op Softmax = new("aten::softmax", "int");
    internal static readonly Op LogSoftmax = new("aten::log_softmax", "int");
    internal static readonly Op CrossEntropy = new("aten::cross_entropy_loss");
    internal static readonly Op NllLoss = new("aten::nll_loss_nd");
    internal static readonly Op BinaryCrossEntropyWithLogits = new("aten::binary_cross_entropy_with_logits");
    internal static readonly Op CosineSimilarity = new("aten::cosine_similarity");
    internal static readonly Op Linear = new("aten::linear");
}
