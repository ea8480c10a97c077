using System.Globalization;

namespace ReferenceApp.Web.Components.Display;

/// <summary>A stable colour per process id, spread around the hue circle by the golden angle so neighbours differ.</summary>
public static class PidPalette
{
    public static string Color(int pid)
    {
        var hue = (int)(pid * 137.508 % 360);
        return string.Create(CultureInfo.InvariantCulture, $"hsl({hue} 62% 40%)");
    }
}
