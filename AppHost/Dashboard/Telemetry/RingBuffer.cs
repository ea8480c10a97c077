namespace ReferenceApp.AppHost.Dashboard.Telemetry;

/// <summary>A fixed-capacity FIFO: adding to a full buffer evicts the oldest item. Not thread-safe; the store locks.</summary>
internal sealed class RingBuffer<T>
{
    private readonly T[] _items;
    private int _head;

    public RingBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _items = new T[capacity];
    }

    public int Count { get; private set; }

    public int Capacity => _items.Length;

    /// <summary>Appends <paramref name="item"/>; returns true and the evicted item when the buffer was full.</summary>
    public bool Add(T item, out T evicted)
    {
        var tail = (_head + Count) % _items.Length;
        if (Count < _items.Length)
        {
            _items[tail] = item;
            Count++;
            evicted = default!;
            return false;
        }

        evicted = _items[_head];
        _items[_head] = item;
        _head = (_head + 1) % _items.Length;
        return true;
    }

    /// <summary>The item at <paramref name="index"/>, oldest first.</summary>
    public T this[int index] => _items[(_head + index) % _items.Length];

    public T Last => this[Count - 1];

    /// <summary>Items oldest first.</summary>
    public IEnumerable<T> Items()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    /// <summary>Items newest first.</summary>
    public IEnumerable<T> NewestFirst()
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            yield return this[i];
        }
    }
}
